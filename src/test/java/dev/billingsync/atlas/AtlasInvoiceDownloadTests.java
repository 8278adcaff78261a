package dev.billingsync.atlas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billingsync.atlas.AtlasInvoiceReader.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtlasInvoiceDownloadTests {

    @TempDir
    Path dir;

    @Test
    void readsTheInvoicesOnceAndStreamsTheLineItemsOfOne() throws IOException {
        try (AtlasInvoiceDownload download = download()) {
            List<AtlasInvoiceSummary> invoices = download.invoices();
            assertThat(download.invoices()).isSameAs(invoices);
            assertThat(download.sha256()).isEqualTo("a".repeat(64));

            List<String> skus = new ArrayList<>();
            download.forEachLineItem(invoices.get(0), (position, item) -> skus.add(position + ":" + item.sku()));

            assertThat(skus)
                    .hasSize(invoices.get(0).lineItemCount())
                    .first()
                    .asString()
                    .startsWith("0:");
        }
    }

    @Test
    void refusesAnInvoiceOfAnotherDownload() throws IOException {
        try (AtlasInvoiceDownload one = download();
                AtlasInvoiceDownload other = download()) {
            AtlasInvoiceSummary foreign = other.invoices().get(0);

            assertThatThrownBy(() -> one.forEachLineItem(foreign, (position, item) -> {}))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void closingDeletesTheSpooledBody() throws IOException {
        AtlasInvoiceDownload download = download();
        assertThat(download.file()).exists();

        download.close();

        assertThat(download.file()).doesNotExist();
    }

    @Test
    void aBodyThatIsNotAnInvoicePageIsMalformed() throws IOException {
        Path file = Files.writeString(Files.createTempFile(dir, "payload", ".json"), "[1, 2]");
        try (AtlasInvoiceDownload download = new AtlasInvoiceDownload(
                new AtlasPayload(file, "a".repeat(64), 6), Shape.PAGE, new AtlasInvoiceReader())) {
            assertThatThrownBy(download::invoices)
                    .isInstanceOfSatisfying(
                            AtlasApiException.class,
                            e -> assertThat(e.errorCode()).isEqualTo("MALFORMED_RESPONSE"));
        }
    }

    private AtlasInvoiceDownload download() throws IOException {
        Path file = Files.createTempFile(dir, "payload", ".json");
        try (var in = getClass().getResourceAsStream("/atlas/pending-invoices.json")) {
            Files.write(file, in.readAllBytes());
        }
        return new AtlasInvoiceDownload(
                new AtlasPayload(file, "a".repeat(64), Files.size(file)), Shape.PAGE, new AtlasInvoiceReader());
    }
}
