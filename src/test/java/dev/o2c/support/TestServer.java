package dev.o2c.support;

import com.typesafe.config.Config;
import dev.o2c.O2cServer;
import dev.o2c.infra.cassandra.CassandraSettings;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A whole O2C server on the test Cassandra node, with an HTTP client bound to it. */
public final class TestServer implements AutoCloseable {

  public static final String DEV_KEY = "o2c-dev-key";

  private final O2cServer server;
  private final Http http;

  private TestServer(O2cServer server) {
    this.server = server;
    this.http = new Http("http://127.0.0.1:" + server.httpAddress().getPort(), java.util.Map.of("X-API-Key", DEV_KEY));
  }

  /** Starts a server on {@code keyspace} (created if need be) with the given overrides. */
  public static TestServer start(String keyspace, Map<String, Object> overrides) {
    Config config = TestCassandra.serverConfig(keyspace, overrides);
    return new TestServer(O2cServer.start(config, CassandraSettings.fromConfig(config)));
  }

  public static TestServer start(String keyspace) {
    return start(keyspace, Map.of());
  }

  public O2cServer server() {
    return server;
  }

  public Http http() {
    return http;
  }

  /** A request with the development tenant's API key. */
  public HttpRequest.Builder request(String path) {
    return http.request(path);
  }

  public Http.Response get(String path) {
    return http.send(request(path).GET());
  }

  public Http.Response postJson(String path, String json, String idempotencyKey) {
    HttpRequest.Builder request = request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    return http.send(request);
  }

  /** Stops the server the way SIGTERM does, and waits for it. */
  @Override
  public void close() throws Exception {
    server.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
    server.system().getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /** Ends the ActorSystem at once, as a crash would for everything not yet persisted. */
  public void crash() throws Exception {
    server.system().terminate();
    server.system().getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
