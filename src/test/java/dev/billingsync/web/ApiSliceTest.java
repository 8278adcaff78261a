package dev.billingsync.web;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;

/**
 * A {@code @WebMvcTest} slice of {@link WebTestController} with the module's real configuration and four API clients:
 * {@link Keys#READER} (READ, org A), {@link Keys#SYNCER} (READ and SYNC, org A, configured by its SHA-256 digest),
 * {@link Keys#AUDITOR} (READ, every org) and {@link Keys#SYNC_ONLY} (SYNC, org A).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@WebMvcTest(controllers = {WebTestController.class, ApiErrorController.class})
@ActiveProfiles(WebTestController.PROFILE)
@TestPropertySource(
        properties = {
            "billing.security.api-keys[0].name=reader",
            "billing.security.api-keys[0].key=" + ApiSliceTest.Keys.READER,
            "billing.security.api-keys[0].roles=READ",
            "billing.security.api-keys[0].orgs=" + ApiSliceTest.ORG_A,
            "billing.security.api-keys[1].name=syncer",
            "billing.security.api-keys[1].key-sha256=" + ApiSliceTest.Keys.SYNCER_SHA256,
            "billing.security.api-keys[1].roles=READ,SYNC",
            "billing.security.api-keys[1].orgs=" + ApiSliceTest.ORG_A,
            "billing.security.api-keys[2].name=auditor",
            "billing.security.api-keys[2].key=" + ApiSliceTest.Keys.AUDITOR,
            "billing.security.api-keys[2].roles=READ",
            "billing.security.api-keys[2].orgs=*",
            "billing.security.api-keys[3].name=sync-only",
            "billing.security.api-keys[3].key=" + ApiSliceTest.Keys.SYNC_ONLY,
            "billing.security.api-keys[3].roles=SYNC",
            "billing.security.api-keys[3].orgs=" + ApiSliceTest.ORG_A,
        })
@interface ApiSliceTest {

    String ORG_A = "5f0c1a2b3c4d5e6f7a8b9c01";
    String ORG_B = "5f0c1a2b3c4d5e6f7a8b9c02";

    /** The keys of the four clients. */
    final class Keys {
        static final String READER = "reader-key-0123456789";
        static final String SYNCER = "syncer-key-0123456789";
        static final String SYNCER_SHA256 = "164587a4f09c7cef2ba6ec73ee2df33bcbb08863d22edf2d7fc3e3faddc5a04f";
        static final String AUDITOR = "auditor-key-0123456789";
        static final String SYNC_ONLY = "synconly-key-0123456789";

        private Keys() {}
    }
}
