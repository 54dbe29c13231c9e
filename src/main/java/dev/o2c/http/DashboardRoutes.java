package dev.o2c.http;

import java.util.List;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /dashboard/}: the dashboard's page, script, styles and chart library, served from the
 * classpath ({@code dashboard/}). They hold no data and need no key: the page asks for an API key,
 * keeps it in the tab's session storage and reads the report API with it. Nothing is fetched from
 * elsewhere; the Content-Security-Policy allows only this origin and no inline script.
 */
public final class DashboardRoutes extends AllDirectives {

  static final List<HttpHeader> HEADERS = List.of(
      RawHeader.create("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
      RawHeader.create("X-Content-Type-Options", "nosniff"),
      RawHeader.create("Referrer-Policy", "no-referrer"),
      RawHeader.create("Cache-Control", "no-cache"));

  public Route route() {
    return pathPrefix("dashboard", () -> get(() -> concat(
        pathEnd(() -> redirect(org.apache.pekko.http.javadsl.model.Uri.create("/dashboard/"), StatusCodes.MOVED_PERMANENTLY)),
        pathSingleSlash(() -> respondWithHeaders(HEADERS, () -> getFromResource("dashboard/index.html"))),
        respondWithHeaders(HEADERS, () -> getFromResourceDirectory("dashboard")))));
  }
}
