package dev.o2c.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.o2c.http.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/** A plain HTTP client for integration tests that talk to a real, bound server. */
public final class Http {

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;
  private final java.util.Map<String, String> headers;

  public Http(String baseUrl) {
    this(baseUrl, java.util.Map.of());
  }

  /** A client that sends these headers (an API key, say) with every request. */
  public Http(String baseUrl, java.util.Map<String, String> headers) {
    this.baseUrl = baseUrl;
    this.headers = java.util.Map.copyOf(headers);
  }

  public String baseUrl() {
    return baseUrl;
  }

  /** A response's status and body. */
  public record Response(int status, String body, HttpResponse<String> raw) {
    public JsonNode json() {
      try {
        return Json.RESPONSES.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("Not JSON: " + body, e);
      }
    }
  }

  public Response send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response = client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body(), response);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public HttpRequest.Builder request(String path) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path));
    headers.forEach(request::header);
    return request;
  }

  public Response get(String path) {
    return send(request(path).GET());
  }

  /** Polls GET path until the response satisfies the condition, or fails after the timeout. */
  public Response await(String path, Predicate<Response> condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Response last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = get(path);
        if (condition.test(last)) {
          return last;
        }
      } catch (java.io.UncheckedIOException notYet) {
        // Not listening yet.
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("GET " + path + " did not get there within " + timeout + "; last: "
        + (last == null ? "no answer" : last.status() + " " + last.body()));
  }
}
