package dev.o2c.reports;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/** The report read models in Cassandra (config/cql/060-reports.cql); books and totals as JSON. */
public final class CassandraReportStore implements ReportStore {

  /** Books and totals as stored: exact decimals, ISO dates. */
  static final ObjectMapper MAPPER = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .enable(com.fasterxml.jackson.core.StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .build();

  private final CassandraSession session;
  private final String ks;
  private final CompletionStage<PreparedStatement> bookStatics;
  private final CompletionStage<PreparedStatement> bookInvoice;

  public CassandraReportStore(CassandraSession session, String keyspace) {
    this.session = session;
    this.ks = keyspace;
    this.bookStatics = session.prepare("UPDATE " + ks + ".report_books SET seq_nr = ?, day = ?, totals = ?, day_start = ? "
        + "WHERE tenant = ? AND customer_id = ?");
    this.bookInvoice = session.prepare("UPDATE " + ks + ".report_books SET invoice = ? WHERE tenant = ? AND customer_id = ? AND invoice_id = ?");
  }

  @Override
  public CompletionStage<Book> load(String tenantId, String customerId, Set<String> invoiceIds) {
    CompletionStage<Optional<Row>> statics = session.selectOne(
        "SELECT seq_nr, day, totals, day_start FROM " + ks + ".report_books WHERE tenant = ? AND customer_id = ? LIMIT 1", tenantId, customerId);
    CompletionStage<List<Row>> rows = invoiceIds.isEmpty()
        ? CompletableFuture.completedFuture(List.of())
        : session.selectAll("SELECT invoice_id, invoice FROM " + ks + ".report_books WHERE tenant = ? AND customer_id = ? AND invoice_id IN ?",
            tenantId, customerId, List.copyOf(invoiceIds));
    return statics.thenCombine(rows, (head, invoiceRows) -> {
      if (head.isEmpty() || head.get().isNull("seq_nr")) {
        return Book.empty();
      }
      Row h = head.get();
      Map<String, Book.Invoice> invoices = new HashMap<>();
      for (Row r : invoiceRows) {
        if (!r.isNull("invoice")) {
          invoices.put(r.getString("invoice_id"), read(r.getString("invoice"), Book.Invoice.class));
        }
      }
      return new Book(h.getLong("seq_nr"), h.getLocalDate("day"), read(h.getString("totals"), Totals.class),
          read(h.getString("day_start"), Totals.class), invoices);
    });
  }

  @Override
  public CompletionStage<Done> save(String tenantId, String customerId, Book book) {
    Totals totals = book.totals();
    String totalsJson = write(totals);
    CompletionStage<Done> bookWritten = bookStatics.thenCombine(bookInvoice, (s, i) -> {
      BatchStatementBuilder batch = BatchStatement.builder(BatchType.LOGGED);
      batch.addStatement(s.bind(book.seqNr(), book.day(), totalsJson, write(book.dayStart()), tenantId, customerId));
      for (Book.Invoice invoice : book.changedInvoices()) {
        batch.addStatement(i.bind(write(invoice), tenantId, customerId, invoice.invoiceId()));
      }
      return batch.build();
    }).thenCompose(session::executeWriteBatch);
    return bookWritten.thenCompose(done -> {
      if (book.day() == null) {
        return CompletableFuture.completedFuture(Done.getInstance());
      }
      CompletionStage<Done> now = session.executeWrite(
          "INSERT INTO " + ks + ".report_customers (tenant, customer_id, currency, day, totals) VALUES (?, ?, ?, ?, ?)",
          tenantId, customerId, totals.currency(), book.day(), write(totals.withoutOpen()));
      CompletionStage<Done> open = session.executeWrite("INSERT INTO " + ks + ".report_open (tenant, customer_id, currency, open_by_due, "
          + "open_by_issue, unapplied, account_credit) VALUES (?, ?, ?, ?, ?, ?, ?)", tenantId, customerId, totals.currency(),
          totals.openByDue(), totals.openByIssue(), totals.unapplied(), totals.accountCredit());
      CompletionStage<Done> ofDay = session.executeWrite(
          "INSERT INTO " + ks + ".report_customer_days (tenant, customer_id, day, totals) VALUES (?, ?, ?, ?)",
          tenantId, customerId, book.day(), totalsJson);
      CompletionStage<Done> flows = session.executeWrite(
          "INSERT INTO " + ks + ".report_days (tenant, month, day, customer_id, currency, flows) VALUES (?, ?, ?, ?, ?, ?)",
          tenantId, month(book.day()), book.day(), customerId, totals.currency(), write(book.today()));
      List<CompletableFuture<Done>> invoices = new ArrayList<>();
      for (Book.Invoice i : book.changedInvoices()) {
        InvoiceRow r = InvoiceRow.of(customerId, i);
        invoices.add(session.executeWrite("INSERT INTO " + ks + ".report_invoices (tenant, month, issued_on, invoice_id, invoice_number, "
            + "customer_id, order_id, currency, total, balance, status, due_on, dunning_level) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            tenantId, month(r.issuedOn()), r.issuedOn(), r.invoiceId(), r.invoiceNumber(), customerId, r.orderId(), r.currency(), r.total(),
            r.balance(), r.status(), r.dueOn(), r.dunningLevel()).toCompletableFuture());
      }
      return now.thenCombine(ofDay, (a, b) -> a).thenCombine(flows, (a, b) -> a).thenCombine(open, (a, b) -> a)
          .thenCompose(x -> CompletableFuture.allOf(invoices.toArray(CompletableFuture[]::new))).thenApply(x -> Done.getInstance());
    });
  }

  @Override
  public CompletionStage<List<CustomerTotals>> customers(String tenantId) {
    return session.selectAll("SELECT customer_id, day, totals FROM " + ks + ".report_customers WHERE tenant = ?", tenantId)
        .thenApply(rows -> rows.stream()
            .map(r -> new CustomerTotals(r.getString("customer_id"), r.getLocalDate("day"), read(r.getString("totals"), Totals.class)))
            .toList());
  }

  @Override
  public CompletionStage<List<OpenLine>> open(String tenantId, String customerId, boolean byIssue) {
    String map = byIssue ? "open_by_issue" : "open_by_due";
    String cql = "SELECT customer_id, currency, " + map + ", unapplied, account_credit FROM " + ks + ".report_open WHERE tenant = ?";
    CompletionStage<List<Row>> rows = customerId == null
        ? session.selectAll(cql, tenantId)
        : session.selectAll(cql + " AND customer_id = ?", tenantId, customerId);
    // the map's bytes, not the driver's map: OpenBalances reads them without building one (see there)
    return rows.thenApply(found -> found.stream().map(r -> new OpenLine(r.getString("customer_id"), r.getString("currency"),
        OpenBalances.decode(r.getBytesUnsafe(map)), r.getBigDecimal("unapplied"), r.getBigDecimal("account_credit"))).toList());
  }

  @Override
  public CompletionStage<Optional<CustomerTotals>> asOf(String tenantId, String customerId, LocalDate day) {
    return session.selectOne(
            "SELECT day, totals FROM " + ks + ".report_customer_days WHERE tenant = ? AND customer_id = ? AND day <= ? LIMIT 1",
            tenantId, customerId, day)
        .thenApply(row -> row.map(r -> new CustomerTotals(customerId, r.getLocalDate("day"), read(r.getString("totals"), Totals.class))));
  }

  @Override
  public CompletionStage<List<DayFlows>> days(String tenantId, LocalDate from, LocalDate to) {
    List<CompletableFuture<List<DayFlows>>> months = new ArrayList<>();
    for (YearMonth m = YearMonth.from(from); !m.isAfter(YearMonth.from(to)); m = m.plusMonths(1)) {
      months.add(session.selectAll(
              "SELECT day, customer_id, flows FROM " + ks + ".report_days WHERE tenant = ? AND month = ? AND day >= ? AND day <= ?",
              tenantId, m.toString(), from, to)
          .thenApply(rows -> rows.stream()
              .map(r -> new DayFlows(r.getLocalDate("day"), r.getString("customer_id"), read(r.getString("flows"), Totals.class)))
              .toList())
          .toCompletableFuture());
    }
    return CompletableFuture.allOf(months.toArray(CompletableFuture[]::new)).thenApply(all -> {
      List<DayFlows> out = new ArrayList<>();
      months.forEach(m -> out.addAll(m.join()));
      return out;
    });
  }

  @Override
  public CompletionStage<Done> saveLag(Lag lag) {
    return session.executeWrite("INSERT INTO " + ks + ".report_lag (projection, instance, event_at, handled_at, lag_ms, p99_ms, events) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?) USING TTL 86400", lag.projection(), lag.instance(), lag.eventAt(), lag.handledAt(), lag.lagMillis(),
        lag.p99Millis(), lag.events());
  }

  @Override
  public CompletionStage<List<Lag>> lags() {
    return session.selectAll("SELECT projection, instance, event_at, handled_at, lag_ms, p99_ms, events FROM " + ks + ".report_lag")
        .thenApply(rows -> rows.stream().map(r -> new Lag(r.getString("projection"), r.getString("instance"), r.getInstant("event_at"),
            r.getInstant("handled_at"), r.getLong("lag_ms"), r.getLong("p99_ms"), r.getLong("events"))).toList());
  }

  @Override
  public CompletionStage<InvoiceRow.Page> invoices(String tenantId, InvoiceRow.Query query, LocalDate from, LocalDate to, String pageToken,
      int limit, int maxScan) {
    Instant start = from.atStartOfDay().toInstant(java.time.ZoneOffset.UTC);
    ListCursor cursor = pageToken == null ? ListCursor.before(to.atStartOfDay().toInstant(java.time.ZoneOffset.UTC)) : ListCursor.open(pageToken);
    MonthScan<InvoiceRow> scan = new MonthScan<>((month, lower, upper, chunk) -> session.selectAll("SELECT issued_on, invoice_id, "
        + "invoice_number, customer_id, order_id, currency, total, balance, status, due_on, dunning_level FROM " + ks + ".report_invoices "
        + "WHERE tenant = ? AND month = ? AND issued_on <= ? AND issued_on >= ? LIMIT ?", tenantId, month, day(upper), day(lower), chunk)
        .thenApply(rows -> rows.stream().map(r -> new InvoiceRow(r.getString("invoice_id"), r.getString("invoice_number"),
            r.getString("customer_id"), r.getString("order_id"), r.getString("currency"), r.getBigDecimal("total"), r.getBigDecimal("balance"),
            r.getString("status"), r.getLocalDate("issued_on"), r.getLocalDate("due_on"), r.getString("dunning_level"))).toList()),
        InvoiceRow::issuedAt, InvoiceRow::invoiceId);
    return scan.scan(cursor, start, query::matches, limit, maxScan)
        .thenApply(r -> new InvoiceRow.Page(r.rows(), r.next() == null ? null : r.next().token()));
  }

  private static LocalDate day(Instant at) {
    return LocalDate.ofInstant(at, java.time.ZoneOffset.UTC);
  }

  @Override
  public CompletionStage<Done> deleteTenant(String tenantId) {
    // A step of 64 statements at a time: a tenant's thousands of customers do not flood the driver.
    return customers(tenantId).thenCompose(customers -> Reports.inSteps(customers, c -> session.selectOne("SELECT day FROM " + ks
            + ".report_customer_days WHERE tenant = ? AND customer_id = ? ORDER BY day ASC LIMIT 1", tenantId, c.customerId())
        .thenCompose(first -> session.executeWrite("DELETE FROM " + ks + ".report_books WHERE tenant = ? AND customer_id = ?", tenantId,
                c.customerId())
            .thenCompose(d -> session.executeWrite("DELETE FROM " + ks + ".report_customer_days WHERE tenant = ? AND customer_id = ?",
                tenantId, c.customerId()))
            .thenApply(d -> first.map(r -> r.getLocalDate("day")).orElse(c.day()))))
        .thenCompose(firstDays -> {
          YearMonth first = null;
          YearMonth last = null;
          for (int i = 0; i < customers.size(); i++) {
            YearMonth since = YearMonth.from(firstDays.get(i));
            YearMonth until = YearMonth.from(customers.get(i).day());
            first = first == null || since.isBefore(first) ? since : first;
            last = last == null || until.isAfter(last) ? until : last;
          }
          List<String> months = new ArrayList<>();
          for (YearMonth m = first; m != null && !m.isAfter(last); m = m.plusMonths(1)) {
            months.add(m.toString());
          }
          return Reports.inSteps(months, m -> session.executeWrite("DELETE FROM " + ks + ".report_days WHERE tenant = ? AND month = ?",
              tenantId, m).thenCompose(d -> session.executeWrite("DELETE FROM " + ks + ".report_invoices WHERE tenant = ? AND month = ?",
              tenantId, m)));
        }))
        .thenCompose(all -> session.executeWrite("DELETE FROM " + ks + ".report_customers WHERE tenant = ?", tenantId))
        .thenCompose(done -> session.executeWrite("DELETE FROM " + ks + ".report_open WHERE tenant = ?", tenantId));
  }

  static String month(LocalDate day) {
    return YearMonth.from(day).toString();
  }

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write " + value.getClass().getSimpleName(), e);
    }
  }

  static <T> T read(String json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot read " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
    }
  }
}
