package dev.o2c.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.typesafe.config.ConfigFactory;
import dev.o2c.infra.O2cConfig;
import java.util.concurrent.CompletionException;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.pattern.CircuitBreakerOpenException;
import org.junit.jupiter.api.Test;
import scala.concurrent.duration.FiniteDuration;

/** What an exception that reaches the routes becomes: Cassandra out of reach is a 503 to retry, a defect a 500. */
class ErrorHandlingTest {

  private final ErrorHandling errors = new ErrorHandling(HttpSettings.fromConfig(O2cConfig.load(ConfigFactory.empty())));

  private static int status(HttpResponse response) {
    return response.status().intValue();
  }

  @Test
  void cassandra_out_of_reach_is_503_with_retry_after() {
    for (Throwable e : new Throwable[] {
        new NoNodeAvailableException(),
        new CompletionException(new DriverTimeoutException("Query timed out after PT5S")),
        new CircuitBreakerOpenException(FiniteDuration.create(2, "s"), "open")}) {
      HttpResponse response = errors.responseFor(e);
      assertEquals(503, status(response), e.toString());
      assertTrue(response.getHeader("Retry-After").isPresent(), e.toString());
      assertEquals(ApiDirectives.PROBLEM_JSON, response.entity().getContentType());
    }
  }

  @Test
  void a_query_cassandra_refuses_as_invalid_is_a_defect_not_an_outage() {
    assertFalse(ErrorHandling.databaseUnavailable(new InvalidQueryException(null, "unconfigured table x")));
    assertEquals(500, status(errors.responseFor(new InvalidQueryException(null, "unconfigured table x"))));
    assertEquals(500, status(errors.responseFor(new IllegalStateException("a bug"))));
  }
}
