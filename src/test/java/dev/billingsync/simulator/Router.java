package dev.billingsync.simulator;

import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/** Routes in registration order; the first template that fits wins, so literals go before variables. */
final class Router {

    private final List<Route> routes = new CopyOnWriteArrayList<>();

    void add(Route route) {
        routes.add(route);
    }

    Match match(HttpMethod method, String path) {
        List<String> segments = segments(path);
        boolean pathKnown = false;
        for (Route route : routes) {
            Map<String, String> variables = route.match(segments);
            if (variables != null) {
                if (route.method().equals(method)) {
                    return new Match(route, variables, true);
                }
                pathKnown = true;
            }
        }
        return new Match(null, Map.of(), pathKnown);
    }

    static List<String> segments(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        return List.of(trimmed.split("/", -1));
    }

    /**
     * @param route null when nothing fits
     * @param pathKnown whether some route has this path (for 405 rather than 404)
     */
    record Match(@Nullable Route route, Map<String, String> variables, boolean pathKnown) {}
}
