package dev.billingsync.atlas;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;

/** A small check of a JSON body against an object schema of the OpenAPI spec: names, required, types, enums. */
public final class OpenApiSchemaCheck {

    /** The official Atlas spec beside the checkout; tests skip the check, saying so, when it is absent. */
    public static final Path SPEC = Path.of("../shared/atlas-openapi/atlas-admin-api-v2.yaml");

    private OpenApiSchemaCheck() {}

    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    @SuppressWarnings("unchecked")
    public static Map<String, Object> load(Path spec, String name) throws Exception {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(64 * 1024 * 1024);
        try (InputStream in = Files.newInputStream(spec)) {
            Map<String, Object> root = new Yaml(new SafeConstructor(options)).load(in);
            Map<String, Object> schemas =
                    (Map<String, Object>) ((Map<String, Object>) root.get("components")).get("schemas");
            return (Map<String, Object>) schemas.get(name);
        }
    }

    @SuppressWarnings("unchecked")
    public static List<String> violations(Map<String, Object> schema, JsonNode body) {
        List<String> found = new ArrayList<>();
        Map<String, Object> properties = (Map<String, Object>) schema.get("properties");
        for (Object required : (List<Object>) schema.getOrDefault("required", List.of())) {
            if (!body.has((String) required)) {
                found.add("missing required " + required);
            }
        }
        for (String name : body.propertyNames()) {
            Map<String, Object> property = (Map<String, Object>) properties.get(name);
            if (property == null) {
                found.add("unknown property " + name);
            } else {
                check(property, body.get(name), name, found);
            }
        }
        return found;
    }

    @SuppressWarnings("unchecked")
    private static void check(Map<String, Object> schema, @Nullable JsonNode value, String path, List<String> found) {
        String type = (String) schema.get("type");
        if (value == null || value.isNull()) {
            found.add(path + " is null");
            return;
        }
        switch (type) {
            case "string" -> {
                if (!value.isString()) {
                    found.add(path + " is not a string");
                    return;
                }
                String text = value.asString();
                if ("date".equals(schema.get("format"))) {
                    if (!DATE.matcher(text).matches()) {
                        found.add(path + " is not a yyyy-MM-dd date: " + text);
                    } else {
                        LocalDate.parse(text);
                    }
                }
                List<Object> allowed = (List<Object>) schema.get("enum");
                if (allowed != null && !allowed.contains(text)) {
                    found.add(path + " is not one of the enum: " + text);
                }
                String pattern = (String) schema.get("pattern");
                if (pattern != null && !Pattern.compile(pattern).matcher(text).find()) {
                    found.add(path + " does not match " + pattern + ": " + text);
                }
            }
            case "array" -> {
                if (!value.isArray()) {
                    found.add(path + " is not an array");
                    return;
                }
                for (int i = 0; i < value.size(); i++) {
                    check((Map<String, Object>) schema.get("items"), value.get(i), path + "[" + i + "]", found);
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    found.add(path + " is not a boolean");
                }
            }
            default -> found.add(path + " has a schema type this check does not know: " + type);
        }
    }
}
