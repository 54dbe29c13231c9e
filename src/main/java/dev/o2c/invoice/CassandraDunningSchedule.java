package dev.o2c.invoice;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/** The dunning schedule in Cassandra: a partition per day (config/cql/030-invoicing.cql). */
public final class CassandraDunningSchedule implements DunningSchedule {

  private static final String RUNNER = "dunning";

  private final CassandraSession session;
  private final String insert;
  private final String delete;
  private final String select;
  private final String selectDone;
  private final String updateDone;

  public CassandraDunningSchedule(CassandraSession session, String keyspace) {
    this.session = session;
    this.insert = "INSERT INTO " + keyspace + ".dunning_schedule (day, tenant, customer_id) VALUES (?, ?, ?)";
    this.delete = "DELETE FROM " + keyspace + ".dunning_schedule WHERE day = ? AND tenant = ? AND customer_id = ?";
    this.select = "SELECT tenant, customer_id FROM " + keyspace + ".dunning_schedule WHERE day = ?";
    this.selectDone = "SELECT done_through FROM " + keyspace + ".dunning_runs WHERE runner = ?";
    this.updateDone = "INSERT INTO " + keyspace + ".dunning_runs (runner, done_through) VALUES (?, ?)";
  }

  @Override
  public CompletionStage<Done> schedule(Entry entry) {
    return session.executeWrite(insert, entry.day(), entry.tenantId(), entry.customerId());
  }

  @Override
  public CompletionStage<Done> remove(Entry entry) {
    return session.executeWrite(delete, entry.day(), entry.tenantId(), entry.customerId());
  }

  @Override
  public CompletionStage<List<Entry>> due(LocalDate day) {
    return session.selectAll(select, day)
        .thenApply(rows -> rows.stream().map(row -> new Entry(day, row.getString("tenant"), row.getString("customer_id"))).toList());
  }

  @Override
  public CompletionStage<Optional<LocalDate>> doneThrough() {
    return session.selectOne(selectDone, RUNNER).thenApply(row -> row.map(r -> r.getLocalDate("done_through")));
  }

  @Override
  public CompletionStage<Done> markDoneThrough(LocalDate day) {
    return session.executeWrite(updateDone, RUNNER, day);
  }
}
