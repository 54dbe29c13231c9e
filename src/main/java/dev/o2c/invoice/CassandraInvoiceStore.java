package dev.o2c.invoice;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PagingState;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.util.ArrayList;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/** The invoice read models in Cassandra (config/cql/030-invoicing.cql). */
public final class CassandraInvoiceStore implements InvoiceStore {

  private static final String COLUMNS =
      "invoice_id, invoice_number, order_id, customer_id, currency, total, balance, status, dunning_level, issued_on, due_on";

  private final CassandraSession session;
  private final String allInsert;
  private final String openInsert;
  private final String openDelete;
  private final String allSelect;
  private final String openSelect;
  private final String referenceInsert;
  private final String referenceSelect;

  public CassandraInvoiceStore(CassandraSession session, String keyspace) {
    this.session = session;
    this.allInsert = "INSERT INTO " + keyspace + ".customer_invoices (tenant, " + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    this.openInsert = "INSERT INTO " + keyspace + ".customer_open_invoices (tenant, " + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    this.openDelete = "DELETE FROM " + keyspace + ".customer_open_invoices WHERE tenant = ? AND customer_id = ? AND due_on = ? AND invoice_id = ?";
    this.allSelect = "SELECT " + COLUMNS + " FROM " + keyspace + ".customer_invoices WHERE tenant = ? AND customer_id = ?";
    this.openSelect = "SELECT " + COLUMNS + " FROM " + keyspace + ".customer_open_invoices WHERE tenant = ? AND customer_id = ?";
    this.referenceInsert =
        "INSERT INTO " + keyspace + ".invoice_references (tenant, reference, customer_id, invoice_id, kind) VALUES (?, ?, ?, ?, ?)";
    // Bounded: a reference shared by more invoices than this is ambiguous whatever the rest say.
    this.referenceSelect =
        "SELECT customer_id, invoice_id, kind FROM " + keyspace + ".invoice_references WHERE tenant = ? AND reference = ? LIMIT 100";
  }

  @Override
  public CompletionStage<Done> save(String tenantId, Summary i) {
    Object[] values = {tenantId, i.invoiceId(), i.invoiceNumber(), i.orderId(), i.customerId(), i.currency(), i.total(), i.balance(),
        i.status().name(), i.dunningLevel().name(), i.issuedOn(), i.dueOn()};
    CompletionStage<Done> open = i.status().isOpen()
        ? session.executeWrite(openInsert, values)
        : session.executeWrite(openDelete, tenantId, i.customerId(), i.dueOn(), i.invoiceId());
    return session.executeWrite(allInsert, values).thenCombine(open, (a, b) -> Done.getInstance());
  }

  @Override
  public CompletionStage<Done> saveReferences(String tenantId, String invoiceId, String customerId, List<Reference> references) {
    CompletableFuture<?>[] writes = new CompletableFuture<?>[references.size()];
    for (int i = 0; i < writes.length; i++) {
      Reference r = references.get(i);
      writes[i] = session.executeWrite(referenceInsert, tenantId, r.text().toLowerCase(Locale.ROOT), customerId, invoiceId, r.kind().name())
          .toCompletableFuture();
    }
    return CompletableFuture.allOf(writes).thenApply(all -> Done.getInstance());
  }

  @Override
  public CompletionStage<List<ReferenceHit>> referencesOf(String tenantId, String reference) {
    return session.selectAll(referenceSelect, tenantId, reference.toLowerCase(Locale.ROOT)).thenApply(rows -> rows.stream()
        .map(r -> new ReferenceHit(r.getString("customer_id"), r.getString("invoice_id"), ReferenceKind.valueOf(r.getString("kind"))))
        .toList());
  }

  @Override
  public CompletionStage<Optional<ReferenceHit>> byNumber(String tenantId, String invoiceNumber) {
    return referencesOf(tenantId, invoiceNumber).thenApply(hits -> hits.stream().filter(h -> h.kind() == ReferenceKind.NUMBER).findFirst());
  }

  @Override
  public CompletionStage<Page> ofCustomer(String tenantId, String customerId, Filter filter, int limit, String pageToken) {
    SimpleStatement statement = SimpleStatement.newInstance(filter == Filter.OPEN ? openSelect : allSelect, tenantId, customerId)
        .setPageSize(limit);
    return session.underlying().thenCompose((CqlSession cql) -> {
      SimpleStatement page = statement;
      if (pageToken != null) {
        // The driver's safe paging state: a token that is malformed, or belongs to another query
        // (another customer, another filter), is refused rather than read.
        page = statement.setPagingState(dev.o2c.infra.cassandra.PageTokens.open(pageToken), cql);
      }
      return cql.executeAsync(page);
    }).thenApply(rs -> page(rs, filter));
  }

  private static Page page(AsyncResultSet rs, Filter filter) {
    List<Summary> invoices = new ArrayList<>();
    for (Row row : rs.currentPage()) {
      Summary s = new Summary(row.getString("invoice_id"), row.getString("invoice_number"), row.getString("order_id"),
          row.getString("customer_id"), row.getString("currency"), row.getBigDecimal("total"), row.getBigDecimal("balance"),
          InvoiceStatus.valueOf(row.getString("status")), DunningLevel.valueOf(row.getString("dunning_level")),
          row.getLocalDate("issued_on"), row.getLocalDate("due_on"));
      if (filter != Filter.PAID || s.status() == InvoiceStatus.PAID) {
        invoices.add(s);
      }
    }
    return new Page(invoices, rs.hasMorePages() ? dev.o2c.infra.cassandra.PageTokens.seal(rs.getExecutionInfo().getSafePagingState()) : null);
  }
}
