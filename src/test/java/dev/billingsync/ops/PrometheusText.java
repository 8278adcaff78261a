package dev.billingsync.ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4: every line must be a HELP, a TYPE or a sample of a
 * family declared by a TYPE line before it, with well-formed names, labels and values. Problems are collected, not
 * thrown, so a test can show all of them at once.
 */
final class PrometheusText {

    record Sample(String name, Map<String, String> labels, double value) {}

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern TYPE_LINE =
            Pattern.compile("# TYPE (" + NAME.pattern() + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern HELP_LINE = Pattern.compile("# HELP (" + NAME.pattern() + ")( .*)?");
    private static final Pattern SAMPLE_NAME = Pattern.compile("^(" + NAME.pattern() + ")");
    private static final Set<String> HISTOGRAM_SUFFIXES = Set.of("_bucket", "_count", "_sum", "_created");

    private final Map<String, String> types = new LinkedHashMap<>();
    private final List<Sample> samples = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    private PrometheusText() {}

    static PrometheusText parse(String body) {
        PrometheusText text = new PrometheusText();
        String[] lines = body.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            text.line(i + 1, lines[i]);
        }
        if (!body.endsWith("\n")) {
            text.problems.add("the exposition does not end with a line feed");
        }
        return text;
    }

    List<String> problems() {
        return problems;
    }

    Map<String, String> types() {
        return types;
    }

    List<Sample> samples() {
        return samples;
    }

    List<Sample> samples(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** The samples of {@code name} whose labels include every entry of {@code labels}. */
    List<Sample> samples(String name, Map<String, String> labels) {
        return samples(name).stream()
                .filter(s -> s.labels().entrySet().containsAll(labels.entrySet()))
                .toList();
    }

    private void line(int number, String line) {
        if (line.isEmpty()) {
            return;
        }
        if (line.startsWith("#")) {
            Matcher type = TYPE_LINE.matcher(line);
            if (type.matches()) {
                if (types.put(type.group(1), type.group(2)) != null) {
                    problems.add(number + ": second TYPE line for " + type.group(1));
                }
            } else if (!HELP_LINE.matcher(line).matches() && (line.startsWith("# HELP") || line.startsWith("# TYPE"))) {
                problems.add(number + ": malformed " + line);
            }
            return;
        }
        Matcher name = SAMPLE_NAME.matcher(line);
        if (!name.find()) {
            problems.add(number + ": not a sample: " + line);
            return;
        }
        String metric = name.group(1);
        int position = name.end();
        Map<String, String> labels = new LinkedHashMap<>();
        if (position < line.length() && line.charAt(position) == '{') {
            position = labels(number, line, position + 1, labels);
            if (position < 0) {
                return;
            }
        }
        String[] rest = line.substring(position).trim().split(" ");
        if (rest.length < 1 || rest.length > 2 || !line.substring(position).startsWith(" ")) {
            problems.add(number + ": expected ' value [timestamp]': " + line);
            return;
        }
        Double value = value(rest[0]);
        if (value == null) {
            problems.add(number + ": bad value '" + rest[0] + "': " + line);
            return;
        }
        if (family(metric) == null) {
            problems.add(number + ": sample of " + metric + " before any TYPE line of its family");
        }
        samples.add(new Sample(metric, labels, value));
    }

    /** Reads {@code name="value",...}} from {@code start}; returns the index after '}' or -1 on a problem. */
    private int labels(int number, String line, int start, Map<String, String> labels) {
        int i = start;
        while (i < line.length() && line.charAt(i) != '}') {
            int eq = line.indexOf('=', i);
            if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                problems.add(number + ": malformed labels: " + line);
                return -1;
            }
            String label = line.substring(i, eq);
            if (!LABEL_NAME.matcher(label).matches() || label.startsWith("__")) {
                problems.add(number + ": bad label name '" + label + "': " + line);
                return -1;
            }
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            for (; j < line.length() && line.charAt(j) != '"'; j++) {
                char c = line.charAt(j);
                if (c == '\\') {
                    char escaped = j + 1 < line.length() ? line.charAt(++j) : ' ';
                    switch (escaped) {
                        case 'n' -> value.append('\n');
                        case '\\' -> value.append('\\');
                        case '"' -> value.append('"');
                        default -> {
                            problems.add(number + ": bad escape in label value: " + line);
                            return -1;
                        }
                    }
                } else {
                    value.append(c);
                }
            }
            if (j >= line.length()) {
                problems.add(number + ": unterminated label value: " + line);
                return -1;
            }
            if (labels.put(label, value.toString()) != null) {
                problems.add(number + ": label " + label + " twice: " + line);
            }
            i = j + 1;
            if (i < line.length() && line.charAt(i) == ',') {
                i++;
            }
        }
        return i < line.length() ? i + 1 : -1;
    }

    /** The declared family a sample belongs to, if any. */
    @Nullable
    String family(String sample) {
        if (types.containsKey(sample)) {
            return sample;
        }
        for (String suffix : HISTOGRAM_SUFFIXES) {
            if (sample.endsWith(suffix)) {
                String base = sample.substring(0, sample.length() - suffix.length());
                String type = types.get(base);
                if ("histogram".equals(type) || "summary".equals(type)) {
                    return base;
                }
            }
        }
        return null;
    }

    private static @Nullable Double value(String text) {
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                try {
                    yield Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    yield null;
                }
            }
        };
    }
}
