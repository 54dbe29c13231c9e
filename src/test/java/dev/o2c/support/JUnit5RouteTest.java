package dev.o2c.support;


import com.typesafe.config.ConfigFactory;
import dev.o2c.infra.O2cConfig;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.RouteResult;
import org.apache.pekko.http.javadsl.testkit.RouteTest;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.SystemMaterializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import scala.concurrent.Await;
import scala.concurrent.Future;
import scala.concurrent.duration.Duration;

/**
 * pekko-http-testkit's route testing under JUnit 5: one ActorSystem per test class (local unless
 * a subclass gives another {@link #config()}), and the testkit's assertions reported as JUnit 5
 * failures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class JUnit5RouteTest extends RouteTest {

  private ActorSystem system;
  private org.apache.pekko.actor.typed.ActorSystem<Void> typedSystem;

  /** The configuration of the test's ActorSystem. */
  protected com.typesafe.config.Config config() {
    return O2cConfig.load(ConfigFactory.parseString("pekko.actor.provider = local"));
  }

  @BeforeAll
  void startSystem() {
    typedSystem = org.apache.pekko.actor.typed.ActorSystem.create(
        org.apache.pekko.actor.typed.javadsl.Behaviors.empty(), getClass().getSimpleName(), config());
    system = org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(typedSystem);
  }

  @AfterAll
  void stopSystem() throws Exception {
    Await.result(system.terminate(), Duration.create(30, TimeUnit.SECONDS));
  }

  /** The same ActorSystem, typed. */
  protected org.apache.pekko.actor.typed.ActorSystem<Void> typedSystem() {
    return typedSystem;
  }

  @Override
  public ActorSystem system() {
    return system;
  }

  @Override
  public Materializer materializer() {
    return SystemMaterializer.get(system).materializer();
  }

  @Override
  public TestRouteResult createTestRouteResultAsync(HttpRequest request, Future<RouteResult> result) {
    return new TestRouteResult(result, awaitDuration(), system.dispatcher(), materializer()) {
      @Override
      public void fail(String message) {
        org.junit.jupiter.api.Assertions.fail(message);
      }

      @Override
      public void assertEquals(Object expected, Object actual, String message) {
        org.junit.jupiter.api.Assertions.assertEquals(expected, actual, message);
      }

      @Override
      public void assertEquals(int expected, int actual, String message) {
        org.junit.jupiter.api.Assertions.assertEquals(expected, actual, message);
      }

      @Override
      public void assertTrue(boolean predicate, String message) {
        org.junit.jupiter.api.Assertions.assertTrue(predicate, message);
      }
    };
  }
}
