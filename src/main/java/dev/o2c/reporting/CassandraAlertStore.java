package dev.o2c.reporting;

import com.datastax.oss.driver.api.core.cql.Row;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/** The alerts read model in Cassandra: one partition per tenant and UTC day, newest first. */
public final class CassandraAlertStore implements AlertStore {

  private final CassandraSession session;
  private final String insert;
  private final String select;

  public CassandraAlertStore(CassandraSession session, String keyspace) {
    this.session = session;
    this.insert = "INSERT INTO " + keyspace + ".alerts (tenant, day, raised_at, alert_id, kind, rule, message, order_id, "
        + "customer_id, invoice_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    this.select = "SELECT raised_at, alert_id, kind, rule, message, order_id, customer_id, invoice_id FROM " + keyspace
        + ".alerts WHERE tenant = ? AND day = ? LIMIT ?";
  }

  @Override
  public CompletionStage<Done> save(String tenantId, Alert alert) {
    return session.executeWrite(
        insert, tenantId, LocalDate.ofInstant(alert.raisedAt(), ZoneOffset.UTC), alert.raisedAt(), alert.alertId(), alert.kind(),
        alert.rule(), alert.message(), alert.orderId(), alert.customerId(), alert.invoiceId());
  }

  @Override
  public CompletionStage<List<Alert>> recent(String tenantId, LocalDate today, int days, int limit) {
    return collect(tenantId, today, today.minusDays(days - 1L), limit, new ArrayList<>());
  }

  private CompletionStage<List<Alert>> collect(String tenantId, LocalDate day, LocalDate oldest, int limit, List<Alert> found) {
    if (found.size() >= limit || day.isBefore(oldest)) {
      return CompletableFuture.completedFuture(found);
    }
    return session.selectAll(select, tenantId, day, limit - found.size()).thenCompose(rows -> {
      for (Row row : rows) {
        found.add(new Alert(
            row.getString("alert_id"), row.getString("kind"), row.getInstant("raised_at"), row.getString("rule"),
            row.getString("message"), row.getString("order_id"), row.getString("customer_id"), row.getString("invoice_id")));
      }
      return collect(tenantId, day.minusDays(1), oldest, limit, found);
    });
  }
}
