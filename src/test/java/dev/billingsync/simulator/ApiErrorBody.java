package dev.billingsync.simulator;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JsonGenerator;

/** The Atlas {@code ApiError} document: {@code {detail, error, errorCode, parameters, reason}}. */
record ApiErrorBody(int error, String errorCode, String detail, List<Object> parameters) {

    static final String CONTENT_TYPE = "application/json";

    ApiErrorBody {
        parameters = List.copyOf(parameters);
    }

    static ApiErrorBody of(int status, String errorCode, String detail, Object... parameters) {
        return new ApiErrorBody(status, errorCode, detail, List.of(parameters));
    }

    /** A plausible Atlas error code for a bare status, for scripted faults. */
    static ApiErrorBody forStatus(int status) {
        String code = switch (status) {
            case 400 -> "VALIDATION_ERROR";
            case 401 -> "UNAUTHORIZED";
            case 403 -> "FORBIDDEN";
            case 404 -> "RESOURCE_NOT_FOUND";
            case 409 -> "CONFLICT";
            case 429 -> "RATE_LIMITED";
            case 500 -> "UNEXPECTED_ERROR";
            case 502 -> "BAD_GATEWAY";
            case 503 -> "SERVICE_UNAVAILABLE";
            case 504 -> "GATEWAY_TIMEOUT";
            default -> status >= 500 ? "UNEXPECTED_ERROR" : "INVALID_REQUEST";
        };
        return of(status, code, "Simulated failure: " + status + " " + reasonPhrase(status) + ".");
    }

    static String reasonPhrase(int status) {
        return HttpResponseStatus.valueOf(status).reasonPhrase();
    }

    Reply.Body toReply(boolean envelope, boolean pretty) {
        return toReply(envelope, pretty, Map.of());
    }

    Reply.Body toReply(boolean envelope, boolean pretty, Map<String, String> headers) {
        RenderedBody body = JsonOutput.render(pretty, generator -> {
            if (envelope) {
                generator.writeStartObject();
                generator.writeName("content");
                writeTo(generator);
                generator.writeNumberProperty("status", error);
                generator.writeEndObject();
            } else {
                writeTo(generator);
            }
        });
        return new Reply.Body(error, CONTENT_TYPE, body, headers);
    }

    private void writeTo(JsonGenerator generator) {
        generator.writeStartObject();
        generator.writeStringProperty("detail", detail);
        generator.writeNumberProperty("error", error);
        generator.writeStringProperty("errorCode", errorCode);
        generator.writeArrayPropertyStart("parameters");
        for (Object parameter : parameters) {
            if (parameter instanceof Long number) {
                generator.writeNumber(number);
            } else if (parameter instanceof Integer number) {
                generator.writeNumber(number);
            } else {
                generator.writeString(String.valueOf(parameter));
            }
        }
        generator.writeEndArray();
        generator.writeStringProperty("reason", reasonPhrase(error));
        generator.writeEndObject();
    }
}
