package dev.o2c.payment;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PagingState;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/** The payment read models in Cassandra (config/cql/040-payments.cql). */
public final class CassandraPaymentStore implements PaymentStore {

  private static final String COLUMNS =
      "payment_id, customer_id, status, amount, unapplied, currency, received_on, bank_reference, remittance_info";

  private final CassandraSession session;
  private final String unappliedInsert;
  private final String unappliedDelete;
  private final String unappliedSelect;
  private final String customerInsert;
  private final String customerSelect;
  private final String awaitInsert;
  private final String awaitSelect;

  public CassandraPaymentStore(CassandraSession session, String keyspace) {
    this.session = session;
    this.unappliedInsert = "INSERT INTO " + keyspace + ".unapplied_payments (tenant, " + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    this.unappliedDelete = "DELETE FROM " + keyspace + ".unapplied_payments WHERE tenant = ? AND received_on = ? AND payment_id = ?";
    this.unappliedSelect = "SELECT " + COLUMNS + " FROM " + keyspace + ".unapplied_payments WHERE tenant = ?";
    this.customerInsert = "INSERT INTO " + keyspace + ".customer_payments (tenant, " + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    this.customerSelect = "SELECT " + COLUMNS + " FROM " + keyspace + ".customer_payments WHERE tenant = ? AND customer_id = ?";
    this.awaitInsert = "INSERT INTO " + keyspace + ".payments_awaiting_reference (tenant, reference, payment_id) VALUES (?, ?, ?)";
    // Bounded: of a token that hundreds of unattributed payments share (a stock phrase), the first 200 are tried.
    this.awaitSelect = "SELECT payment_id FROM " + keyspace + ".payments_awaiting_reference WHERE tenant = ? AND reference = ? LIMIT 200";
  }

  @Override
  public CompletionStage<Done> awaitReferences(String tenantId, String paymentId, List<String> tokens) {
    CompletableFuture<?>[] writes = tokens.stream()
        .map(token -> session.executeWrite(awaitInsert, tenantId, token, paymentId).toCompletableFuture())
        .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(writes).thenApply(all -> Done.getInstance());
  }

  @Override
  public CompletionStage<List<String>> awaiting(String tenantId, String token) {
    return session.selectAll(awaitSelect, tenantId, token).thenApply(rows -> rows.stream().map(r -> r.getString("payment_id")).toList());
  }

  @Override
  public CompletionStage<Done> save(String tenantId, Summary p) {
    Object[] values = {tenantId, p.paymentId(), p.customerId(), p.status().name(), p.amount(), p.unappliedAmount(), p.currency(),
        p.receivedOn(), p.bankReference(), p.remittanceInfo()};
    CompletionStage<Done> unapplied = p.unapplied()
        ? session.executeWrite(unappliedInsert, values)
        : session.executeWrite(unappliedDelete, tenantId, p.receivedOn(), p.paymentId());
    return p.customerId() == null
        ? unapplied
        : unapplied.thenCompose(done -> session.executeWrite(customerInsert, values));
  }

  @Override
  public CompletionStage<Page> unapplied(String tenantId, int limit, String pageToken) {
    return page(SimpleStatement.newInstance(unappliedSelect, tenantId), limit, pageToken);
  }

  @Override
  public CompletionStage<Page> ofCustomer(String tenantId, String customerId, int limit, String pageToken) {
    return page(SimpleStatement.newInstance(customerSelect, tenantId, customerId), limit, pageToken);
  }

  private CompletionStage<Page> page(SimpleStatement query, int limit, String pageToken) {
    SimpleStatement statement = query.setPageSize(limit);
    return session.underlying().thenCompose((CqlSession cql) -> {
      SimpleStatement page = statement;
      if (pageToken != null) {
        // The driver's safe paging state: a token that is malformed, or belongs to another query,
        // is refused rather than read.
        page = statement.setPagingState(dev.o2c.infra.cassandra.PageTokens.open(pageToken), cql);
      }
      return cql.executeAsync(page);
    }).thenApply(CassandraPaymentStore::page);
  }

  private static Page page(AsyncResultSet rs) {
    List<Summary> payments = new ArrayList<>();
    for (Row row : rs.currentPage()) {
      payments.add(new Summary(row.getString("payment_id"), row.getString("customer_id"),
          PaymentEntry.PaymentStatus.valueOf(row.getString("status")), row.getBigDecimal("amount"), row.getBigDecimal("unapplied"),
          row.getString("currency"), row.getLocalDate("received_on"), row.getString("bank_reference"),
          row.getString("remittance_info")));
    }
    return new Page(payments, rs.hasMorePages() ? dev.o2c.infra.cassandra.PageTokens.seal(rs.getExecutionInfo().getSafePagingState()) : null);
  }

}
