package dev.billingsync.atlas;

/**
 * How the service authenticates to Atlas for one organization: a service account (OAuth 2.0 client credentials, the
 * default) or a legacy programmatic API key (HTTP Digest). {@code toString()} never shows a secret.
 */
public sealed interface AtlasCredentials {

    /** An identity for caches and logs that reveals no secret. */
    String principal();

    record ServiceAccount(String clientId, String clientSecret) implements AtlasCredentials {

        @Override
        public String principal() {
            return "service-account:" + clientId;
        }

        @Override
        public String toString() {
            return "ServiceAccount[clientId=" + clientId + ", clientSecret=******]";
        }
    }

    record ApiKey(String publicKey, String privateKey) implements AtlasCredentials {

        @Override
        public String principal() {
            return "api-key:" + publicKey;
        }

        @Override
        public String toString() {
            return "ApiKey[publicKey=" + publicKey + ", privateKey=******]";
        }
    }
}
