package dev.billingsync.atlas;

import java.security.MessageDigest;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Feeds a token stream to a digest: token kinds plus the exact text of names, strings and numbers. Bytes are
 * gathered in a buffer and handed to the digest in large blocks (the same bytes in the same order, so the same
 * hash); {@link #flush} before reading the digest.
 */
final class TokenHasher {

    private static final int BLOCK = 32 * 1024;

    private final MessageDigest digest;
    private byte[] buffer = new byte[BLOCK];
    private int length;

    TokenHasher(MessageDigest digest) {
        this.digest = digest;
    }

    /** Hashes the array the parser stands at the start of; returns how many objects it directly holds. */
    int array(JsonParser parser) {
        int depth = 1;
        int objects = 0;
        while (depth > 0) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                throw new IllegalStateException("unexpected end of input");
            }
            if (length == buffer.length) {
                flush();
            }
            buffer[length++] = (byte) token.id();
            switch (token) {
                case START_OBJECT, START_ARRAY -> {
                    if (depth == 1 && token == JsonToken.START_OBJECT) {
                        objects++;
                    }
                    depth++;
                }
                case END_OBJECT, END_ARRAY -> depth--;
                case PROPERTY_NAME, VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT ->
                    chars(parser.getStringCharacters(), parser.getStringOffset(), parser.getStringLength());
                default -> {
                    // true, false and null are fully described by the token kind
                }
            }
        }
        return objects;
    }

    void text(String text) {
        chars(text.toCharArray(), 0, text.length());
    }

    void bytes(byte[] bytes) {
        flush();
        digest.update(bytes);
    }

    void flush() {
        if (length > 0) {
            digest.update(buffer, 0, length);
            length = 0;
        }
    }

    private void chars(char[] chars, int offset, int count) {
        int needed = 4 + count * 2;
        if (length + needed > buffer.length) {
            flush();
            if (needed > buffer.length) {
                buffer = new byte[needed];
            }
        }
        byte[] b = buffer;
        int i = length;
        b[i++] = (byte) (count >>> 24);
        b[i++] = (byte) (count >>> 16);
        b[i++] = (byte) (count >>> 8);
        b[i++] = (byte) count;
        for (int c = offset; c < offset + count; c++) {
            char ch = chars[c];
            b[i++] = (byte) (ch >>> 8);
            b[i++] = (byte) ch;
        }
        length = i;
    }
}
