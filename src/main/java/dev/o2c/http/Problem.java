package dev.o2c.http;

import dev.o2c.infra.FieldError;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An RFC 9457 problem document: the body of every 4xx and 5xx response, served as
 * {@code application/problem+json}. {@code type} is a URN that names the kind of problem
 * (docs/api.md lists them), {@code errors} holds field errors of a validation failure, and
 * {@code extensions} carries members particular to one problem (the current status of an order
 * on an illegal transition, say).
 */
public record Problem(
    String type, String title, int status, String detail, List<FieldError> errors, Map<String, Object> extensions) {

  public Problem {
    errors = errors == null ? List.of() : List.copyOf(errors);
    extensions = extensions == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
  }

  public static Problem of(ProblemType type, String detail) {
    return new Problem(type.uri(), type.title(), type.status(), detail, List.of(), Map.of());
  }

  public static Problem validation(String detail, List<FieldError> errors) {
    ProblemType type = ProblemType.VALIDATION;
    return new Problem(type.uri(), type.title(), type.status(), detail, errors, Map.of());
  }

  /** The same problem with one more extension member. */
  public Problem with(String name, Object value) {
    Map<String, Object> more = new LinkedHashMap<>(extensions);
    more.put(name, value);
    return new Problem(type, title, status, detail, errors, more);
  }

  /** The JSON members in RFC 9457 order: type, title, status, detail, errors, then extensions. */
  public Map<String, Object> body() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", type);
    body.put("title", title);
    body.put("status", status);
    body.put("detail", detail);
    if (!errors.isEmpty()) {
      body.put("errors", errors);
    }
    extensions.forEach(body::putIfAbsent);
    return body;
  }

  /** Thrown from route code and futures; the gateway's exception handler answers with this problem. */
  public ProblemException toException() {
    return new ProblemException(this);
  }
}
