package dev.o2c.http;

import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * The answer to a request too malformed for a route to see it (a URI over the length limit, a
 * header over its size limit, bad percent-encoding, a control character in a header): the same
 * {@code application/problem+json} as every other error, with the status Pekko's parser chose and
 * its summary of what was wrong. Set as {@code pekko.http.server.parsing.error-handler}.
 */
public final class ProblemParsingErrorHandler extends ParsingErrorHandler {

  @Override
  public HttpResponse handle(StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    log.debug("Illegal request, responding with status {}: {}", status.intValue(), info.formatPretty());
    int code = status.intValue();
    ProblemType type = ProblemType.forStatus(code);
    String summary = info.summary() == null || info.summary().isBlank() ? status.reason() : info.summary();
    return ApiDirectives.problem(new Problem(type.uri(), type.status() == code ? type.title() : status.reason(), code,
        summary.endsWith(".") ? summary : summary + ".", java.util.List.of(), java.util.Map.of()));
  }
}
