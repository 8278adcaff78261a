package dev.billingsync.orgs;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/** The Atlas organizations to sync ({@code billing.orgs[N].*}). */
@ConfigurationProperties("billing")
@Validated
public record OrgProperties(@DefaultValue List<@Valid Org> orgs) {

    /**
     * One organization.
     *
     * @param id the Atlas organization id, 24 lower-case hex digits
     * @param name optional display name
     * @param clientId service account client id overriding {@code billing.atlas.client-id} for this org
     * @param clientSecret service account secret overriding {@code billing.atlas.client-secret}
     * @param publicKey legacy API public key overriding {@code billing.atlas.public-key}
     * @param privateKey legacy API private key overriding {@code billing.atlas.private-key}
     */
    public record Org(
            @NotNull
            @Pattern(regexp = "^[a-f0-9]{24}$", message = "must be an Atlas organization id: 24 lower-case hex digits")
            String id,

            @Nullable String name,
            @Nullable String clientId,
            @Nullable String clientSecret,
            @Nullable String publicKey,
            @Nullable String privateKey) {

        @Override
        public String toString() {
            return "Org[id=" + id + ", name=" + name + "]";
        }
    }
}
