package dev.o2c.account;

import com.datastax.oss.driver.api.core.cql.Row;
import dev.o2c.payment.PaymentEntry;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/**
 * The account archive in Cassandra (config/cql/050-archive.cql): each item whole, in the same
 * CBOR form as the journal's events, under its id; payments also by the day they were received,
 * for statements.
 */
public final class CassandraAccountArchive implements AccountArchive {

  private static final String INVOICE = "INVOICE";
  private static final String PAYMENT = "PAYMENT";

  private final CassandraSession session;
  private final Serialization serialization;
  private final String insert;
  private final String insertByDay;
  private final String select;
  private final String selectByDay;

  public CassandraAccountArchive(ClassicActorSystemProvider system, CassandraSession session, String keyspace) {
    this.session = session;
    this.serialization = SerializationExtension.get(system);
    this.insert = "INSERT INTO " + keyspace + ".account_archive (tenant, customer_id, kind, item_id, item) VALUES (?, ?, ?, ?, ?)";
    this.insertByDay = "INSERT INTO " + keyspace
        + ".account_archive_by_day (tenant, customer_id, kind, day, item_id, item) VALUES (?, ?, ?, ?, ?, ?)";
    this.select = "SELECT item FROM " + keyspace + ".account_archive WHERE tenant = ? AND customer_id = ? AND kind = ? AND item_id = ?";
    this.selectByDay = "SELECT item FROM " + keyspace
        + ".account_archive_by_day WHERE tenant = ? AND customer_id = ? AND kind = ? AND day >= ? AND day <= ?";
  }

  @Override
  public CompletionStage<Done> store(String tenantId, String customerId, List<Receivable> invoices, List<PaymentEntry> payments) {
    List<CompletableFuture<Done>> writes = new ArrayList<>();
    for (Receivable r : invoices) {
      writes.add(session.executeWrite(insert, tenantId, customerId, INVOICE, r.invoiceId(), bytes(r)).toCompletableFuture());
    }
    for (PaymentEntry p : payments) {
      ByteBuffer item = bytes(p);
      writes.add(session.executeWrite(insert, tenantId, customerId, PAYMENT, p.paymentId(), item).toCompletableFuture());
      writes.add(session.executeWrite(insertByDay, tenantId, customerId, PAYMENT, p.receivedOn(), p.paymentId(), item.duplicate())
          .toCompletableFuture());
    }
    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).thenApply(all -> Done.getInstance());
  }

  @Override
  public CompletionStage<Found> load(String tenantId, String customerId, Set<String> invoiceIds, Set<String> paymentIds) {
    List<CompletableFuture<List<Receivable>>> invoices = invoiceIds.stream()
        .map(id -> session.selectAll(select, tenantId, customerId, INVOICE, id)
            .thenApply(rows -> rows.stream().map(row -> item(row, Receivable.class)).toList()).toCompletableFuture())
        .toList();
    List<CompletableFuture<List<PaymentEntry>>> payments = paymentIds.stream()
        .map(id -> session.selectAll(select, tenantId, customerId, PAYMENT, id)
            .thenApply(rows -> rows.stream().map(row -> item(row, PaymentEntry.class)).toList()).toCompletableFuture())
        .toList();
    List<CompletableFuture<?>> all = new ArrayList<>(invoices);
    all.addAll(payments);
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(done -> new Found(
        invoices.stream().flatMap(f -> f.join().stream()).toList(),
        payments.stream().flatMap(f -> f.join().stream()).toList()));
  }

  @Override
  public CompletionStage<List<PaymentEntry>> paymentsReceived(String tenantId, String customerId, LocalDate from, LocalDate to) {
    return session.selectAll(selectByDay, tenantId, customerId, PAYMENT, from, to)
        .thenApply(rows -> rows.stream().map(row -> item(row, PaymentEntry.class)).toList());
  }

  private ByteBuffer bytes(Object item) {
    return ByteBuffer.wrap(serialization.serialize(item).get());
  }

  private <T> T item(Row row, Class<T> type) {
    ByteBuffer buffer = row.getByteBuffer("item");
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return serialization.deserialize(bytes, type).get();
  }
}
