package dev.billingsync.web;

import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.InitBinder;

/**
 * Query parameters bound into a record (a controller's filter) go through its constructor only. Without this, Spring
 * binds the parameters a second time through property paths after constructing the record, and a path into a record
 * component ({@code ?groupId.x=1}) made it try to create the component and fail with a 500; now such a parameter is
 * ignored, like any parameter no component names. A repeatable parameter is a {@code Collection} component, never a
 * {@code List} or an array: for those Spring also reads indexed names ({@code statusNames[1]}) and fails with a 500 on
 * one that is not a number ({@code statusNames[x]}).
 */
@ControllerAdvice
class ConstructorBinding {

    @InitBinder
    void constructorOnly(WebDataBinder binder) {
        binder.setDeclarativeBinding(true);
    }
}
