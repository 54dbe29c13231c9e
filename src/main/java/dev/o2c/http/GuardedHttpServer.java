package dev.o2c.http;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.Connection;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.TLSProtocol;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.TLSPlacebo;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/1.1 server of the API: Pekko HTTP's own server layer on Pekko TCP, with
 * {@link HeaderBytesGuard} between the socket and the request parser (which {@code
 * Http.newServerAt(...).bind} leaves no place for). Otherwise as {@code bind} does it: the
 * {@code pekko.http.server} settings (timeouts, limits, the parsing error handler, max-connections,
 * pipelining), and on coordinated shutdown: stop accepting, let in-flight requests finish within
 * the drain timeout (their responses close their connections), then close every connection.
 */
public final class GuardedHttpServer {

  private static final Logger log = LoggerFactory.getLogger(GuardedHttpServer.class);

  /** No TLS (terminated at a proxy): the placebo, typed as the server layer expects it. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static final BidiFlow<TLSProtocol.SslTlsOutbound, ByteString, ByteString, TLSProtocol.SslTlsInbound, NotUsed> PLAIN =
      (BidiFlow) TLSPlacebo.getInstance();

  private final Tcp.ServerBinding binding;
  private final SharedKillSwitch connections;
  private final AtomicInteger inFlight;
  private final AtomicBoolean draining;

  private GuardedHttpServer(Tcp.ServerBinding binding, SharedKillSwitch connections, AtomicInteger inFlight, AtomicBoolean draining) {
    this.binding = binding;
    this.connections = connections;
    this.inFlight = inFlight;
    this.draining = draining;
  }

  /** Binds {@code route} to {@code host:port}; completes when the socket is bound. */
  public static CompletionStage<GuardedHttpServer> bind(ActorSystem<?> system, String host, int port, Route route) {
    ServerSettings settings = ServerSettings.create(system.settings().config());
    SharedKillSwitch connections = KillSwitches.shared("o2c-http-connections");
    AtomicInteger inFlight = new AtomicInteger();
    AtomicBoolean draining = new AtomicBoolean();
    var handler = route.handler(system);
    scala.concurrent.duration.Duration idle = settings.getTimeouts().idleTimeout();
    Duration idleTimeout = idle.isFinite() ? Duration.ofNanos(idle.toNanos()) : null;
    return Tcp.get(system)
        .bind(host, port, settings.getBacklog(), settings.getSocketOptions(), false, Optional.ofNullable(idleTimeout))
        .mapAsyncUnordered(settings.getMaxConnections(), incoming -> {
          // One connection: requests counted in flight, answered in order (pipelining limit), a
          // response while draining closes its connection.
          Flow<HttpRequest, HttpResponse, CompletionStage<Done>> requests = Flow.<HttpRequest>create()
              .watchTermination(Keep.right())
              .map(request -> {
                inFlight.incrementAndGet();
                return request;
              })
              .mapAsync(settings.getPipeliningLimit(), request -> handler.apply(request)
                  .whenComplete((response, failure) -> inFlight.decrementAndGet()))
              .map(response -> draining.get() ? response.addHeader(Connection.create("close")) : response);
          BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> guard = BidiFlow.fromFlows(
              Flow.<ByteString>create(),
              Flow.<ByteString>create()
                  .statefulMap(HeaderBytesGuard::new, (g, bytes) -> Pair.create(g, g.apply(bytes)), g -> Optional.of(g.finish()))
                  .filter(bytes -> !bytes.isEmpty()));
          BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> killable = BidiFlow.fromFlows(
              Flow.<ByteString>create().via(connections.flow()), Flow.<ByteString>create().via(connections.flow()));
          return requests
              .joinMat(Http.get(system).serverLayer(settings, Optional.of(incoming.remoteAddress()))
                  .atop(PLAIN)
                  .atop(guard)
                  .atop(killable)
                  .join(incoming.flow()), Keep.left())
              .run(system)
              .exceptionally(failure -> Done.getInstance());
        })
        .to(Sink.ignore())
        .run(system)
        .thenApply(bound -> {
          GuardedHttpServer server = new GuardedHttpServer(bound, connections, inFlight, draining);
          server.addToCoordinatedShutdown(system, HttpSettings.fromConfig(system.settings().config()).drainTimeout());
          return server;
        });
  }

  public InetSocketAddress localAddress() {
    return binding.localAddress();
  }

  /** Stops accepting and closes every connection at once (for tests; a server stops by coordinated shutdown). */
  public CompletionStage<Done> unbind() {
    return binding.unbind().thenApply(unbound -> {
      connections.shutdown();
      return Done.getInstance();
    });
  }

  private void addToCoordinatedShutdown(ActorSystem<?> system, Duration drainTimeout) {
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "o2c-http-unbind", () -> {
      draining.set(true);
      return binding.unbind().thenApply(unbound -> Done.getInstance());
    });
    shutdown.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "o2c-http-drain", () -> {
      CompletableFuture<Done> drained = new CompletableFuture<>();
      long deadline = System.nanoTime() + drainTimeout.toNanos();
      Runnable[] check = new Runnable[1];
      check[0] = () -> {
        if (inFlight.get() == 0 || System.nanoTime() >= deadline) {
          if (inFlight.get() > 0) {
            log.warn("{} requests still in flight after the drain timeout of {}; closing their connections", inFlight.get(), drainTimeout);
          }
          drained.complete(Done.getInstance());
        } else {
          CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS).execute(check[0]);
        }
      };
      check[0].run();
      return drained;
    });
    shutdown.addTask(CoordinatedShutdown.PhaseServiceStop(), "o2c-http-close-connections", () -> {
      connections.shutdown();
      return CompletableFuture.completedFuture(Done.getInstance());
    });
  }
}
