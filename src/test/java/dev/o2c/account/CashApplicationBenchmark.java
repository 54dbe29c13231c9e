package dev.o2c.account;

import dev.o2c.payment.Matching;
import dev.o2c.payment.PaymentSettings;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cash application for one customer with many open invoices: what the customer's account does
 * for each payment it takes — the open invoices as matching sees them, the rules in order, and
 * the event. Each payment shape exercises another rule; NO_MATCH is the worst case (the bounded
 * EXACT_SUM search runs and finds nothing, then OLDEST_FIRST). Results: docs/performance.md.
 *
 * <p>Run: {@code mvn -B test-compile exec:exec@jmh -Djmh.args="CashApplication"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class CashApplicationBenchmark {

  /** How the payment reads. */
  public enum Shape {
    /** The remittance text names one invoice number: REFERENCE. */
    REFERENCE,
    /** The amount is one invoice's balance: EXACT_AMOUNT. */
    EXACT_AMOUNT,
    /** The amount is the sum of two invoices' balances: EXACT_SUM. */
    EXACT_SUM_OF_2,
    /** The amount is the sum of three of the invoices due first: EXACT_SUM over the bounded candidates. */
    EXACT_SUM_OF_3,
    /** No rule but OLDEST_FIRST applies; the exact-sum search runs to its bound first. */
    NO_MATCH
  }

  @Param({"10000"})
  public int openInvoices;

  @Param
  public Shape shape;

  private CustomerState state;
  private List<Matching.OpenInvoice> open;
  private CustomerAccount.ApplyPayment payment;
  private PaymentSettings.Tenant settings;
  private final Instant now = Instant.parse("2026-11-22T10:00:00Z");

  @Setup
  public void setUp() {
    Random random = new Random(42);
    CustomerState s = CustomerState.EMPTY.apply(new CustomerAccount.Created(
        "bench", "Bench Ltd", null, "EUR", new BigDecimal("100000000.00"), 30, null, "hash", "bench", now));
    LocalDate first = LocalDate.of(2026, 1, 1);
    BigDecimal[] balances = new BigDecimal[openInvoices];
    for (int i = 0; i < openInvoices; i++) {
      // Amounts 10.00 .. 5,000.00 with cents, so that exact sums are rare by chance.
      BigDecimal total = BigDecimal.valueOf(1_000 + random.nextInt(499_000), 2);
      balances[i] = total;
      LocalDate issued = first.plusDays(i % 300);
      s = s.apply(new CustomerAccount.InvoiceIssued("inv_" + i, String.format("INV-2026-%06d", i + 1), "ord_" + i, "PO-" + i,
          "EUR", List.of(), total, BigDecimal.ZERO.setScale(2), total, issued, issued.plusDays(30), now));
    }
    state = s;
    open = PaymentLedger.openInvoices(s);
    settings = new PaymentSettings.Tenant(Map.of("EUR", new BigDecimal("1.00")), null, true);
    BigDecimal amount;
    String text = null;
    switch (shape) {
      case REFERENCE -> {
        amount = balances[openInvoices / 2];
        text = "Payment of invoice " + String.format("INV-2026-%06d", openInvoices / 2 + 1) + ", thank you";
      }
      case EXACT_AMOUNT -> amount = balances[openInvoices - 7];
      case EXACT_SUM_OF_2 -> amount = balances[openInvoices - 3].add(balances[openInvoices - 11]);
      case EXACT_SUM_OF_3 -> amount = balances[0].add(balances[1]).add(balances[2]);
      default -> amount = new BigDecimal("123456789.01");
    }
    payment = new CustomerAccount.ApplyPayment("pay_bench", amount, "EUR", LocalDate.of(2026, 11, 22), text, null, null);
  }

  /** The account's decision for one payment: matching included, the event built, nothing persisted. */
  @Benchmark
  public Decision<?> applyPayment() {
    return PaymentLedger.apply(state, payment, settings, now);
  }

  /** The matching engine alone, on open invoices prepared once. */
  @Benchmark
  public Matching.Result matchOnly() {
    return Matching.match(open, payment.amount(), 2, payment.remittanceInfo(), null, settings.tolerance("EUR"));
  }
}
