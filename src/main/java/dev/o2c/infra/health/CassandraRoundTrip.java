package dev.o2c.infra.health;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/**
 * Ready only while Cassandra takes a write and gives it back: one row per member in
 * {@code health_check}, written with a fresh token and read again.
 */
public final class CassandraRoundTrip implements HealthCheck {

  private final CassandraSession session;
  private final String member;
  private final String insert;
  private final String select;

  public CassandraRoundTrip(CassandraSession session, String keyspace, String member) {
    this.session = session;
    this.member = member;
    this.insert = "INSERT INTO " + keyspace + ".health_check (member, probe, checked_at) VALUES (?, ?, ?)";
    this.select = "SELECT probe FROM " + keyspace + ".health_check WHERE member = ?";
  }

  @Override
  public String name() {
    return "cassandra";
  }

  @Override
  public CompletionStage<Result> run() {
    UUID token = UUID.randomUUID();
    long started = System.nanoTime();
    return session
        .executeWrite(insert, member, token, Instant.now())
        .thenCompose(done -> session.selectOne(select, member))
        .thenApply(
            row -> {
              long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
              if (row.isPresent() && token.equals(row.get().getUuid("probe"))) {
                return Result.ok("write and read back in " + millis + " ms");
              }
              return Result.failed("the row written was not read back");
            });
  }
}
