package dev.billingsync.orgs;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Org discovery ({@code billing.orgs-discovery.*}).
 *
 * @param enabled also sync every org the global service account can see ({@code GET /api/atlas/v2/orgs}, re-read
 *     every round), with the global credentials; configured orgs keep their own settings
 * @param exclude org ids never synced when discovered (a configured org is synced all the same)
 */
@ConfigurationProperties("billing.orgs-discovery")
@Validated
public record OrgDiscoveryProperties(
        @DefaultValue("false") boolean enabled,

        @DefaultValue @NotNull
        List<@Pattern(regexp = "^[a-f0-9]{24}$", message = "must be a 24-character hexadecimal Atlas org id") String>
                exclude) {

    public OrgDiscoveryProperties {
        exclude = exclude == null ? List.of() : List.copyOf(exclude);
    }
}
