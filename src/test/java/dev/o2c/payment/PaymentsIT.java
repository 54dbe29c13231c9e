package dev.o2c.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.o2c.http.Json;
import dev.o2c.support.Http;
import dev.o2c.support.TestServer;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Payments and cash application through the whole server on the real Cassandra node: attribution
 * by reference, exactly-once intake by bank reference (also under concurrency), the account as the
 * single writer of a customer's balances, unapplied cash paying later invoices, reversal, manual
 * allocation of unattributed cash, the NDJSON batch, and a restart.
 *
 * <p>One server (one keyspace) serves every test; each test has customers of its own. What happens
 * off the request path (read models, orders' payment statuses, payments' records of what the
 * account did to them later) is polled for with a bounded deadline.
 */
class PaymentsIT {

  private static final String KEYSPACE = "payments_it";
  private static final Duration EVENTUALLY = Duration.ofSeconds(60);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** Makes ids unique per run, should the tests run against an external node that keeps its keyspaces. */
  private static final String RUN = Long.toString(System.currentTimeMillis() % 100_000_000L, 36);

  private static TestServer server;

  /**
   * The orders of each test's customer, placed at the start (each is invoiced by its customer's
   * account in the write that verifies it).
   */
  private static final Map<String, List<String>> ORDERS = new HashMap<>();

  @BeforeAll
  static void start() {
    server = TestServer.start(KEYSPACE);
    prepare("p1", "100.00", "250.00", "40.00");
    prepare("p2", "100.00", "100.00");
    prepare("p2c", "50.00", "50.00");
    prepare("p3", "80.00");
    prepare("p4", "100.00");
    prepare("p5", "100.00", "40.00");
    prepare("p6", "75.00");
    prepare("p7", "10.00", "11.00", "12.00", "13.00", "14.00", "15.00", "16.00", "17.00", "18.00", "19.00");
    prepare("p7b");
    prepare("p8", "100.00");
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  // --- 1. Attribution by reference -------------------------------------------------------------

  @Test
  void a_payment_naming_an_invoice_number_finds_its_customer_and_pays_that_invoice() {
    String customer = id("p1");
    String orderA = ORDERS.get("p1").get(0);
    String orderB = ORDERS.get("p1").get(1);
    String orderC = ORDERS.get("p1").get(2);
    await("/v1/customers/" + customer + "/invoices?status=open", list -> list.get("invoices").size() == 3);
    awaitOpenInvoices(customer, 3);
    JsonNode invoiceB = invoiceOf(orderB);
    String numberB = invoiceB.get("invoiceNumber").asText();
    assertEquals("250.00", invoiceB.get("total").asText());

    Http.Response paid = postPayment(payment(null, "250.00", "BR1-" + RUN, "Payment " + numberB + " thanks"), null);

    assertEquals(201, paid.status(), paid.body());
    JsonNode p = paid.json();
    assertEquals(customer, p.path("customerId").asText(), p.toString());
    assertEquals("REFERENCE", p.get("attribution").get("method").asText(), p.toString());
    assertTrue(numberB.equalsIgnoreCase(p.get("attribution").path("token").asText()), "the token that named the invoice: " + p);
    assertEquals("APPLIED", p.get("status").asText(), p.toString());
    assertEquals("0.00", p.get("unappliedAmount").asText());
    JsonNode allocations = p.get("allocations");
    assertEquals(1, allocations.size(), p.toString());
    assertEquals(invoiceB.get("invoiceId").asText(), allocations.get(0).get("invoiceId").asText());
    assertEquals("REFERENCE", allocations.get(0).get("rule").asText());
    assertEquals(numberB, allocations.get(0).get("token").asText());
    assertEquals("250.00", allocations.get(0).get("amount").asText());

    // Recorded on the invoice before the answer: a read right after shows it.
    JsonNode invoiceNow = get("/v1/invoices/" + invoiceB.get("invoiceId").asText());
    assertEquals("PAID", invoiceNow.get("status").asText(), invoiceNow.toString());
    assertEquals("0.00", invoiceNow.get("balance").asText());
    assertEquals("250.00", invoiceNow.get("amountPaid").asText());
    // The other two are untouched.
    assertEquals("ISSUED", invoiceOf(orderA).get("status").asText());
    assertEquals("ISSUED", invoiceOf(orderC).get("status").asText());
    JsonNode account = get("/v1/customers/" + customer);
    assertEquals(2, account.get("openInvoices").asInt(), account.toString());
    assertEquals("140.00", account.get("openReceivables").asText());
    assertEquals("140.00", account.get("balance").asText());

    JsonNode order = await("/v1/orders/" + orderB, o -> o.get("paymentStatus").asText().equals("PAID"));
    assertEquals("PAID", order.get("paymentStatus").asText());
    assertEquals("UNPAID", get("/v1/orders/" + orderA).get("paymentStatus").asText());
  }

  // --- 2. Exactly once -------------------------------------------------------------------------

  @Test
  void a_bank_reference_posted_again_is_the_same_payment_and_is_applied_once() {
    String customer = id("p2");
    String order1 = ORDERS.get("p2").get(0);
    String order2 = ORDERS.get("p2").get(1);
    awaitOpenInvoices(customer, 2);
    String bankReference = "BR2-" + RUN;
    String body = payment(customer, "100.00", bankReference, null);

    Http.Response first = postPayment(body, "p2-first-" + RUN);
    assertEquals(201, first.status(), first.body());
    String paymentId = first.json().get("paymentId").asText();
    assertEquals("APPLIED", first.json().get("status").asText(), first.body());
    assertEquals("EXACT_AMOUNT", first.json().get("allocations").get(0).get("rule").asText(), first.body());

    // The same request again, with another key or none: a retry, answered as the first time.
    for (String key : java.util.Arrays.asList("p2-second-" + RUN, null)) {
      Http.Response retry = postPayment(body, key);
      assertEquals(201, retry.status(), retry.body());
      assertEquals("true", retry.raw().headers().firstValue("Idempotent-Replayed").orElse(""), "a replay, key " + key);
      assertEquals(first.json(), retry.json(), "the first answer again");
    }
    // Another request with the bank reference (a re-imported line): 200, the original payment.
    Http.Response otherLine = postPayment(payment(customer, "100.00", bankReference, "imported again"), null);
    assertEquals(200, otherLine.status(), otherLine.body());
    assertEquals(paymentId, otherLine.json().get("paymentId").asText());
    assertTrue(otherLine.json().path("remittanceInfo").isMissingNode(), "the original stands: " + otherLine.body());
    assertTrue(otherLine.raw().headers().firstValue("Idempotent-Replayed").isEmpty());
    Http.Response sameKey = postPayment(body, "p2-first-" + RUN);
    assertEquals(201, sameKey.status(), sameKey.body());
    assertEquals("true", sameKey.raw().headers().firstValue("Idempotent-Replayed").orElse(""), "the first answer again");
    assertEquals(paymentId, sameKey.json().get("paymentId").asText());

    JsonNode p = get("/v1/payments/" + paymentId);
    assertEquals(1, p.get("allocations").size(), p.toString());
    JsonNode account = get("/v1/customers/" + customer);
    assertEquals(1, account.get("openInvoices").asInt(), "one invoice paid, not two: " + account);
    assertEquals("100.00", account.get("openReceivables").asText());
    assertEquals("0.00", account.get("unappliedCash").asText());
    assertEquals("100.00", account.get("balance").asText());
    List<String> statuses = List.of(invoiceOf(order1).get("status").asText(), invoiceOf(order2).get("status").asText());
    assertEquals(List.of("ISSUED", "PAID"), statuses.stream().sorted().toList(), statuses.toString());
    await("/v1/customers/" + customer + "/invoices?status=open", list -> list.get("invoices").size() == 1);
  }

  @Test
  void the_same_payment_posted_concurrently_is_applied_once() throws Exception {
    String customer = id("p2c");
    awaitOpenInvoices(customer, 2);
    String body = payment(customer, "50.00", "BR2C-" + RUN, "concurrent copy");

    List<Http.Response> responses = concurrently(10, i -> postPayment(body, null));

    // Without a key, the copies wait for the first at the payment and get its answer replayed.
    Set<String> paymentIds = new HashSet<>();
    int created = 0;
    for (Http.Response r : responses) {
      assertEquals(201, r.status(), r.status() + " " + r.body());
      if (r.raw().headers().firstValue("Idempotent-Replayed").isEmpty()) {
        created++;
      }
      paymentIds.add(r.json().get("paymentId").asText());
    }
    assertEquals(1, created, "exactly one request created the payment: " + statusesOf(responses));
    assertEquals(1, paymentIds.size(), "every answer names the same payment");
    Http.Response after = postPayment(body, null);
    assertEquals(201, after.status(), after.body());
    assertEquals("true", after.raw().headers().firstValue("Idempotent-Replayed").orElse(""));
    String paymentId = paymentIds.iterator().next();
    assertEquals(paymentId, after.json().get("paymentId").asText());

    JsonNode p = get("/v1/payments/" + paymentId);
    assertEquals("APPLIED", p.get("status").asText(), p.toString());
    assertEquals(1, p.get("allocations").size(), p.toString());
    JsonNode account = get("/v1/customers/" + customer);
    assertEquals(1, account.get("openInvoices").asInt(), "applied once: " + account);
    assertEquals("50.00", account.get("openReceivables").asText());
    assertEquals("0.00", account.get("unappliedCash").asText());
    assertEquals("50.00", account.get("balance").asText());
  }

  // --- 3. One writer per customer ---------------------------------------------------------------

  @Test
  void payments_arriving_at_once_never_take_the_same_invoice_balance_twice() throws Exception {
    String customer = id("p3");
    String order = ORDERS.get("p3").get(0);
    awaitOpenInvoices(customer, 1);
    String invoiceId = invoiceOf(order).get("invoiceId").asText();
    int payments = 6;

    List<Http.Response> responses =
        concurrently(payments, i -> postPayment(payment(customer, "80.00", "BR3-" + RUN + "-" + i, null), null));

    int applied = 0;
    int unapplied = 0;
    for (Http.Response r : responses) {
      assertEquals(201, r.status(), r.body());
      JsonNode p = r.json();
      switch (p.get("status").asText()) {
        case "APPLIED" -> {
          applied++;
          assertEquals(1, p.get("allocations").size(), p.toString());
          assertEquals(invoiceId, p.get("allocations").get(0).get("invoiceId").asText());
          assertEquals("EXACT_AMOUNT", p.get("allocations").get(0).get("rule").asText());
          assertEquals("80.00", p.get("allocations").get(0).get("amount").asText());
        }
        case "UNAPPLIED" -> {
          unapplied++;
          assertEquals(0, p.get("allocations").size(), p.toString());
          assertEquals("80.00", p.get("unappliedAmount").asText());
        }
        default -> throw new AssertionError("Unexpected payment: " + p);
      }
    }
    assertEquals(1, applied, "one payment takes the invoice: " + statusesOf(responses));
    assertEquals(payments - 1, unapplied);

    JsonNode invoice = get("/v1/invoices/" + invoiceId);
    assertEquals("PAID", invoice.get("status").asText(), invoice.toString());
    assertEquals("80.00", invoice.get("amountPaid").asText(), "paid once: " + invoice);
    assertEquals("0.00", invoice.get("balance").asText());
    JsonNode account = get("/v1/customers/" + customer);
    assertEquals(0, account.get("openInvoices").asInt(), account.toString());
    assertEquals("400.00", account.get("unappliedCash").asText(), account.toString());
    assertEquals("-400.00", account.get("balance").asText());
  }

  // --- 4. Unapplied cash pays the next invoice ---------------------------------------------------

  @Test
  void an_overpayment_becomes_unapplied_cash_that_pays_the_next_invoice() {
    String customer = id("p4");
    String first = ORDERS.get("p4").get(0);
    awaitOpenInvoices(customer, 1);
    String firstInvoice = invoiceOf(first).get("invoiceId").asText();

    Http.Response received = postPayment(payment(customer, "150.00", "BR4-" + RUN, null), null);
    assertEquals(201, received.status(), received.body());
    JsonNode p = received.json();
    String paymentId = p.get("paymentId").asText();
    assertEquals("PARTIALLY_APPLIED", p.get("status").asText(), p.toString());
    assertEquals("50.00", p.get("unappliedAmount").asText());
    assertEquals(1, p.get("allocations").size(), p.toString());
    assertEquals(firstInvoice, p.get("allocations").get(0).get("invoiceId").asText());
    assertEquals("100.00", p.get("allocations").get(0).get("amount").asText());
    JsonNode account = get("/v1/customers/" + customer);
    assertEquals("50.00", account.get("unappliedCash").asText(), account.toString());
    assertEquals("-50.00", account.get("balance").asText());
    assertEquals(0, account.get("openInvoices").asInt());

    String second = placeOrder(customer, "30.00");
    String secondInvoice = invoiceOf(second).get("invoiceId").asText();
    JsonNode invoice = await("/v1/invoices/" + secondInvoice, i -> i.get("status").asText().equals("PAID"));
    assertEquals("30.00", invoice.get("amountPaid").asText(), invoice.toString());
    assertEquals("0.00", invoice.get("balance").asText());
    assertTrue(hasApplication(invoice, "ACCOUNT_CREDIT", "30.00", paymentId), invoice.toString());

    JsonNode after = await("/v1/payments/" + paymentId, pay -> pay.get("allocations").size() == 2);
    JsonNode credit = after.get("allocations").get(1);
    assertEquals(secondInvoice, credit.get("invoiceId").asText(), after.toString());
    assertEquals("ACCOUNT_CREDIT", credit.get("rule").asText());
    assertEquals("30.00", credit.get("amount").asText());
    assertEquals("20.00", after.get("unappliedAmount").asText());
    assertEquals("PARTIALLY_APPLIED", after.get("status").asText());
    JsonNode accountAfter = get("/v1/customers/" + customer);
    assertEquals("20.00", accountAfter.get("unappliedCash").asText(), accountAfter.toString());
    assertEquals("-20.00", accountAfter.get("balance").asText());
    assertEquals(0, accountAfter.get("openInvoices").asInt());
  }

  // --- 5. Reversal -----------------------------------------------------------------------------

  @Test
  void reversing_a_payment_reopens_the_invoices_it_paid() {
    String customer = id("p5");
    String orderA = ORDERS.get("p5").get(0);
    String orderD = ORDERS.get("p5").get(1);
    awaitOpenInvoices(customer, 2);
    String invoiceA = invoiceOf(orderA).get("invoiceId").asText();
    String invoiceD = invoiceOf(orderD).get("invoiceId").asText();

    Http.Response received = postPayment(payment(customer, "140.00", "BR5-" + RUN, null), null);
    assertEquals(201, received.status(), received.body());
    JsonNode p = received.json();
    String paymentId = p.get("paymentId").asText();
    assertEquals("APPLIED", p.get("status").asText(), p.toString());
    assertEquals(2, p.get("allocations").size(), p.toString());
    assertEquals("EXACT_SUM", p.get("allocations").get(0).get("rule").asText(), p.toString());
    assertEquals("PAID", get("/v1/invoices/" + invoiceA).get("status").asText());
    assertEquals("PAID", get("/v1/invoices/" + invoiceD).get("status").asText());
    await("/v1/customers/" + customer + "/invoices?status=open", list -> list.get("invoices").size() == 0);
    await("/v1/orders/" + orderA, o -> o.get("paymentStatus").asText().equals("PAID"));

    Http.Response reversed = server.postJson("/v1/payments/" + paymentId + "/reverse", "{\"reason\":\"chargeback\"}", null);

    assertEquals(200, reversed.status(), reversed.body());
    JsonNode r = reversed.json();
    assertEquals("REVERSED", r.get("status").asText(), r.toString());
    assertEquals(0, r.get("allocations").size(), r.toString());
    assertEquals("chargeback", r.get("reversal").get("reason").asText());
    for (Map.Entry<String, String> e : Map.of(invoiceA, "100.00", invoiceD, "40.00").entrySet()) {
      JsonNode invoice = get("/v1/invoices/" + e.getKey());
      assertEquals("ISSUED", invoice.get("status").asText(), invoice.toString());
      assertEquals(e.getValue(), invoice.get("balance").asText(), invoice.toString());
      assertEquals("0.00", invoice.get("amountPaid").asText(), invoice.toString());
    }
    JsonNode account = get("/v1/customers/" + customer);
    assertEquals(2, account.get("openInvoices").asInt(), account.toString());
    assertEquals("140.00", account.get("openReceivables").asText());
    assertEquals("140.00", account.get("balance").asText());
    assertEquals("0.00", account.get("unappliedCash").asText());
    JsonNode open = await("/v1/customers/" + customer + "/invoices?status=open", list -> list.get("invoices").size() == 2);
    for (JsonNode invoice : open.get("invoices")) {
      assertEquals("ISSUED", invoice.get("status").asText(), open.toString());
      assertEquals(0, new BigDecimal(invoice.get("total").asText()).compareTo(new BigDecimal(invoice.get("balance").asText())),
          open.toString());
    }
    assertEquals("REVERSED", get("/v1/payments/" + paymentId).get("status").asText());
    await("/v1/orders/" + orderA, o -> o.get("paymentStatus").asText().equals("UNPAID"));
  }

  // --- 6. Unattributed cash, applied by hand ----------------------------------------------------

  @Test
  void an_unattributed_payment_waits_in_the_unapplied_list_until_allocated_by_hand() {
    String customer = id("p6");
    String order = ORDERS.get("p6").get(0);
    awaitOpenInvoices(customer, 1);
    String invoiceId = invoiceOf(order).get("invoiceId").asText();

    Http.Response received = postPayment(payment(null, "75.00", "BR6-" + RUN, "thank you for the goods"), null);
    assertEquals(201, received.status(), received.body());
    JsonNode p = received.json();
    String paymentId = p.get("paymentId").asText();
    assertEquals("UNAPPLIED", p.get("status").asText(), p.toString());
    assertTrue(p.path("customerId").isMissingNode() || p.get("customerId").isNull(), p.toString());
    assertEquals("NONE", p.get("attribution").get("method").asText());
    assertEquals("75.00", p.get("unappliedAmount").asText());
    assertEquals("ISSUED", get("/v1/invoices/" + invoiceId).get("status").asText());

    JsonNode listed = awaitUnapplied(paymentId, true);
    assertEquals("UNAPPLIED", listed.get("status").asText(), listed.toString());
    assertEquals("75.00", listed.get("unappliedAmount").asText());

    Http.Response allocated = server.postJson("/v1/payments/" + paymentId + "/allocations",
        "{\"allocations\":[{\"invoiceId\":\"" + invoiceId + "\",\"amount\":\"75.00\"}]}", null);
    assertEquals(200, allocated.status(), allocated.body());
    JsonNode a = addsUp(allocated.json());
    assertEquals("APPLIED", a.get("status").asText(), a.toString());
    assertEquals(customer, a.path("customerId").asText(), a.toString());
    assertEquals("MANUAL", a.get("attribution").get("method").asText(), a.toString());
    assertEquals("0.00", a.get("unappliedAmount").asText());
    assertEquals("MANUAL", a.get("allocations").get(0).get("rule").asText());
    assertEquals("75.00", a.get("allocations").get(0).get("amount").asText());

    JsonNode invoice = get("/v1/invoices/" + invoiceId);
    assertEquals("PAID", invoice.get("status").asText(), invoice.toString());
    assertEquals("75.00", invoice.get("amountPaid").asText());
    awaitUnapplied(paymentId, false);
    JsonNode account = get("/v1/customers/" + customer);
    assertEquals("0.00", account.get("balance").asText(), account.toString());
    assertEquals("0.00", account.get("unappliedCash").asText());
    assertEquals(0, account.get("openInvoices").asInt());
  }

  // --- 7. Batch --------------------------------------------------------------------------------

  @Test
  void a_batch_of_payments_is_answered_in_order_with_duplicates_applied_once() throws Exception {
    String payer = id("p7");
    String other = id("p7b");
    List<String> orders = ORDERS.get("p7");
    int referenced = orders.size();
    List<JsonNode> invoices = new ArrayList<>();
    await("/v1/customers/" + payer + "/invoices?status=open", list -> list.get("invoices").size() == referenced);
    awaitOpenInvoices(payer, referenced);
    for (String order : orders) {
      invoices.add(invoiceOf(order));
    }
    int size = 500;
    int duplicates = 50;
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < size - duplicates; i++) {
      ObjectNode item = i < referenced
          // Named by its invoice number only: the batch finds the customer.
          ? paymentNode(null, invoices.get(i).get("total").asText(), "BR7-" + RUN + "-" + i,
              "Settles " + invoices.get(i).get("invoiceNumber").asText())
          : paymentNode(other, "5.00", "BR7-" + RUN + "-" + i, "statement line " + i);
      lines.add(item.toString());
    }
    // The same statement lines again, far enough back that the first ones are done: the even ones
    // as they were (a retry: the first answer replayed), the odd ones with another remittance text
    // (a re-imported line: 200 with the original payment).
    for (int i = 0; i < duplicates; i++) {
      if (i % 2 == 0) {
        lines.add(lines.get(i));
      } else {
        ObjectNode changed = (ObjectNode) MAPPER.readTree(lines.get(i));
        changed.put("remittanceInfo", "re-imported " + i);
        lines.add(changed.toString());
      }
    }
    Http.Response response = server.http().send(server.request("/v1/payments/batch")
        .header("Content-Type", "application/x-ndjson")
        .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", lines) + "\n")));

    assertEquals(200, response.status(), response.body());
    List<String> results = response.body().lines().filter(line -> !line.isBlank()).toList();
    assertEquals(size, results.size());
    Map<Integer, String> paymentIds = new HashMap<>();
    for (int i = 0; i < size; i++) {
      JsonNode result = Json.RESPONSES.readTree(results.get(i));
      assertEquals(i, result.get("index").asInt(), results.get(i));
      JsonNode p = result.get("payment");
      assertNotNull(p, results.get(i));
      addsUp(p);
      if (i < size - duplicates) {
        assertEquals(201, result.get("status").asInt(), results.get(i));
        paymentIds.put(i, p.get("paymentId").asText());
      } else {
        boolean retry = (i - (size - duplicates)) % 2 == 0;
        assertEquals(retry ? 201 : 200, result.get("status").asInt(), results.get(i));
        assertTrue(result.path(retry ? "replayed" : "duplicate").asBoolean(), results.get(i));
        assertEquals(paymentIds.get(i - (size - duplicates)), p.get("paymentId").asText(), "the same payment: " + results.get(i));
      }
      int original = i < size - duplicates ? i : i - (size - duplicates);
      if (original < referenced) {
        JsonNode invoice = invoices.get(original);
        assertEquals(payer, p.path("customerId").asText(), results.get(i));
        assertEquals("REFERENCE", p.get("attribution").get("method").asText(), results.get(i));
        assertEquals("APPLIED", p.get("status").asText(), results.get(i));
        assertEquals(1, p.get("allocations").size(), results.get(i));
        assertEquals(invoice.get("invoiceId").asText(), p.get("allocations").get(0).get("invoiceId").asText(), results.get(i));
        assertEquals("REFERENCE", p.get("allocations").get(0).get("rule").asText(), results.get(i));
      } else {
        assertEquals(other, p.path("customerId").asText(), results.get(i));
        assertEquals("UNAPPLIED", p.get("status").asText(), results.get(i));
        assertEquals("5.00", p.get("unappliedAmount").asText(), results.get(i));
      }
    }
    assertEquals(size - duplicates, new HashSet<>(paymentIds.values()).size(), "one payment per distinct bank reference");

    for (JsonNode issued : invoices) {
      JsonNode invoice = get("/v1/invoices/" + issued.get("invoiceId").asText());
      assertEquals("PAID", invoice.get("status").asText(), invoice.toString());
      assertEquals(issued.get("total").asText(), invoice.get("amountPaid").asText(), "paid once: " + invoice);
    }
    JsonNode payerAccount = get("/v1/customers/" + payer);
    assertEquals(0, payerAccount.get("openInvoices").asInt(), payerAccount.toString());
    assertEquals("0.00", payerAccount.get("balance").asText());
    assertEquals("0.00", payerAccount.get("unappliedCash").asText());
    JsonNode otherAccount = get("/v1/customers/" + other);
    String expected = new BigDecimal("5.00").multiply(BigDecimal.valueOf(size - duplicates - referenced)).toPlainString();
    assertEquals(expected, otherAccount.get("unappliedCash").asText(), "each statement line once: " + otherAccount);
    assertEquals("-" + expected, otherAccount.get("balance").asText());
  }

  // --- 8. Restart ------------------------------------------------------------------------------

  @Test
  void payments_applications_and_balances_survive_a_restart() throws Exception {
    String customer = id("p8");
    String order = ORDERS.get("p8").get(0);
    // The payment names the invoice: its references must be in the read model.
    await("/v1/customers/" + customer + "/invoices?status=open", list -> list.get("invoices").size() == 1);
    awaitOpenInvoices(customer, 1);
    JsonNode issued = invoiceOf(order);
    String invoiceId = issued.get("invoiceId").asText();
    String byReference = payment(null, "60.00", "BR8a-" + RUN, "Invoice " + issued.get("invoiceNumber").asText());
    Http.Response first = postPayment(byReference, null);
    assertEquals(201, first.status(), first.body());
    Http.Response second = postPayment(payment(customer, "70.00", "BR8b-" + RUN, null), null);
    assertEquals(201, second.status(), second.body());
    String firstId = first.json().get("paymentId").asText();
    String secondId = second.json().get("paymentId").asText();
    assertEquals("PARTIALLY_APPLIED", second.json().get("status").asText(), second.body());
    assertEquals("30.00", second.json().get("unappliedAmount").asText());

    JsonNode firstBefore = get("/v1/payments/" + firstId);
    JsonNode secondBefore = get("/v1/payments/" + secondId);
    JsonNode invoiceBefore = get("/v1/invoices/" + invoiceId);
    assertEquals("PAID", invoiceBefore.get("status").asText(), invoiceBefore.toString());
    assertEquals("100.00", invoiceBefore.get("amountPaid").asText());
    JsonNode accountBefore = get("/v1/customers/" + customer);
    assertEquals("30.00", accountBefore.get("unappliedCash").asText(), accountBefore.toString());
    assertEquals("-30.00", accountBefore.get("balance").asText());
    await("/v1/payments?customerId=" + customer + "&status=all", list -> list.get("payments").size() == 2);

    server.close();
    server = null;
    server = TestServer.start(KEYSPACE);

    assertEquals(firstBefore, get("/v1/payments/" + firstId), "the first payment, unchanged");
    assertEquals(secondBefore, get("/v1/payments/" + secondId), "the second payment, unchanged");
    assertEquals(invoiceBefore, get("/v1/invoices/" + invoiceId), "the invoice, unchanged");
    JsonNode accountAfter = get("/v1/customers/" + customer);
    for (String field : List.of("openInvoices", "openReceivables", "unappliedCash", "balance", "creditUsed")) {
      assertEquals(accountBefore.get(field), accountAfter.get(field), field + ": " + accountAfter);
    }
    assertEquals(2, get("/v1/payments?customerId=" + customer + "&status=all").get("payments").size());

    // The bank reference is still known: not applied again.
    Http.Response again = postPayment(byReference, null);
    assertEquals(201, again.status(), again.body());
    assertEquals("true", again.raw().headers().firstValue("Idempotent-Replayed").orElse(""), "the first answer again");
    assertEquals(firstId, again.json().get("paymentId").asText());
    assertEquals("30.00", get("/v1/customers/" + customer).get("unappliedCash").asText());
    // And the unapplied cash is still there to pay the next invoice.
    String next = placeOrder(customer, "25.00");
    String nextInvoice = invoiceOf(next).get("invoiceId").asText();
    JsonNode paid = await("/v1/invoices/" + nextInvoice, i -> i.get("status").asText().equals("PAID"));
    assertTrue(hasApplication(paid, "ACCOUNT_CREDIT", "25.00", secondId), paid.toString());
    JsonNode account = get("/v1/customers/" + customer);
    assertEquals("5.00", account.get("unappliedCash").asText(), account.toString());
    assertEquals("-5.00", account.get("balance").asText());
  }

  // --- Helpers ---------------------------------------------------------------------------------

  /** The id of a test's customer. */
  private static String id(String name) {
    return name + "-" + RUN;
  }

  /** Creates a test's customer and places its orders. */
  private static void prepare(String name, String... prices) {
    String customer = customer(name);
    List<String> orders = new ArrayList<>();
    for (String price : prices) {
      orders.add(placeOrder(customer, price));
    }
    ORDERS.put(name, orders);
  }

  /** Creates a customer (EUR, a large credit limit) and returns its id. */
  private static String customer(String name) {
    String id = id(name);
    Http.Response created = server.postJson("/v1/customers", "{\"customerId\":\"" + id + "\",\"name\":\"" + name
        + "\",\"currency\":\"EUR\",\"creditLimit\":\"100000\",\"paymentTermsDays\":30}", null);
    assertEquals(201, created.status(), created.body());
    return id;
  }

  /** Places a one-line order without tax (the invoice total is {@code price}); returns its id. */
  private static String placeOrder(String customerId, String price) {
    Http.Response placed = server.postJson("/v1/orders", "{\"customerId\":\"" + customerId
        + "\",\"currency\":\"EUR\",\"lines\":[{\"sku\":\"W\",\"quantity\":1,\"unitPrice\":\"" + price + "\"}]}", null);
    assertEquals(201, placed.status(), placed.body());
    assertEquals("VERIFIED", placed.json().get("status").asText(), placed.body());
    return placed.json().get("orderId").asText();
  }

  /** The invoice the customer's account issued for an order. */
  private static JsonNode invoiceOf(String orderId) {
    String invoiceId = await("/v1/orders/" + orderId, o -> o.hasNonNull("invoiceId")).get("invoiceId").asText();
    return await("/v1/invoices/" + invoiceId, i -> true);
  }

  /** Waits until the customer's account holds {@code count} open invoices (their receivables are recorded). */
  private static void awaitOpenInvoices(String customerId, int count) {
    await("/v1/customers/" + customerId, c -> c.get("openInvoices").asInt() == count);
  }

  private static ObjectNode paymentNode(String customerId, String amount, String bankReference, String remittanceInfo) {
    ObjectNode body = MAPPER.createObjectNode();
    if (customerId != null) {
      body.put("customerId", customerId);
    }
    body.put("amount", amount).put("currency", "EUR");
    if (bankReference != null) {
      body.put("bankReference", bankReference);
    }
    if (remittanceInfo != null) {
      body.put("remittanceInfo", remittanceInfo);
    }
    return body;
  }

  private static String payment(String customerId, String amount, String bankReference, String remittanceInfo) {
    return paymentNode(customerId, amount, bankReference, remittanceInfo).toString();
  }

  private static Http.Response postPayment(String body, String idempotencyKey) {
    Http.Response response = server.postJson("/v1/payments", body, idempotencyKey);
    if (response.status() == 200 || response.status() == 201) {
      addsUp(response.json());
    }
    return response;
  }

  /** GET path, 200; a payment, invoice or customer read so is checked to add up. */
  private static JsonNode get(String path) {
    Http.Response response = server.get(path);
    assertEquals(200, response.status(), "GET " + path + ": " + response.body());
    return checked(path, response.json());
  }

  private static JsonNode checked(String path, JsonNode body) {
    if (path.matches("/v1/payments/[^/?]+")) {
      return addsUp(body);
    }
    if (path.matches("/v1/invoices/[^/?]+")) {
      return invoiceAddsUp(body);
    }
    if (path.matches("/v1/customers/[^/?]+")) {
      return accountAddsUp(body);
    }
    return body;
  }

  private static JsonNode await(String path, Predicate<JsonNode> condition) {
    return checked(path, server.http().await(path, r -> r.status() == 200 && condition.test(r.json()), EVENTUALLY).json());
  }

  /**
   * Waits until the payment is (or is no longer) in the tenant's unapplied list, every page of it;
   * returns its entry (null once gone).
   */
  private static JsonNode awaitUnapplied(String paymentId, boolean listed) {
    long deadline = System.nanoTime() + EVENTUALLY.toNanos();
    JsonNode found;
    do {
      found = unappliedEntry(paymentId);
      if ((found != null) == listed) {
        return found;
      }
      pause();
    } while (System.nanoTime() < deadline);
    throw new AssertionError("Payment " + paymentId + (listed ? " never appeared in" : " never left") + " the unapplied list; "
        + "last seen: " + found);
  }

  private static JsonNode unappliedEntry(String paymentId) {
    String token = null;
    do {
      String path = "/v1/payments?status=unapplied&limit=500" + (token == null ? "" : "&pageToken=" + token);
      JsonNode page = get(path);
      for (JsonNode p : page.get("payments")) {
        if (p.get("paymentId").asText().equals(paymentId)) {
          return p;
        }
      }
      token = page.hasNonNull("nextPageToken") ? page.get("nextPageToken").asText() : null;
    } while (token != null);
    return null;
  }

  /** A payment adds up: allocations + write-offs + unapplied + refunded = amount (a reversed one: nothing left). */
  private static JsonNode addsUp(JsonNode payment) {
    BigDecimal sum = amount(payment, "unappliedAmount").add(amount(payment, "refundedAmount"));
    for (JsonNode a : payment.get("allocations")) {
      sum = sum.add(amount(a, "amount"));
    }
    for (JsonNode w : payment.get("writeOffs")) {
      sum = sum.add(amount(w, "amount"));
    }
    if (!payment.get("status").asText().equals("REVERSED")) {
      assertEquals(0, sum.compareTo(amount(payment, "amount")), "the payment adds up: " + payment);
    }
    return payment;
  }

  /** A customer account adds up: balance = open receivables - unapplied cash - account credit. */
  private static JsonNode accountAddsUp(JsonNode account) {
    BigDecimal balance = amount(account, "openReceivables").subtract(amount(account, "unappliedCash"))
        .subtract(amount(account, "accountCredit"));
    assertEquals(0, balance.compareTo(amount(account, "balance")), "the account adds up: " + account);
    return account;
  }

  /** An invoice adds up: paid + credited + written off + balance = total. */
  private static JsonNode invoiceAddsUp(JsonNode invoice) {
    BigDecimal sum = amount(invoice, "amountPaid").add(amount(invoice, "amountCredited")).add(amount(invoice, "amountWrittenOff"))
        .add(amount(invoice, "balance"));
    assertEquals(0, sum.compareTo(amount(invoice, "total")), "the invoice adds up: " + invoice);
    return invoice;
  }

  private static BigDecimal amount(JsonNode node, String field) {
    assertTrue(node.hasNonNull(field), field + " missing: " + node);
    return new BigDecimal(node.get(field).asText());
  }

  private static boolean hasApplication(JsonNode invoice, String rule, String amount, String reference) {
    for (JsonNode application : invoice.get("applications")) {
      if (rule.equals(application.path("rule").asText()) && amount.equals(application.get("amount").asText())
          && reference.equals(application.path("reference").asText())) {
        return true;
      }
    }
    return false;
  }

  /** One request (given its number) per thread, all released at once; the responses in that order. */
  private static List<Http.Response> concurrently(int n, java.util.function.IntFunction<Http.Response> request) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Http.Response>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        Callable<Http.Response> call = () -> {
          go.await();
          return request.apply(index);
        };
        futures.add(pool.submit(call));
      }
      go.countDown();
      List<Http.Response> responses = new ArrayList<>();
      for (Future<Http.Response> future : futures) {
        responses.add(future.get(60, TimeUnit.SECONDS));
      }
      return responses;
    } finally {
      pool.shutdownNow();
    }
  }

  private static String statusesOf(List<Http.Response> responses) {
    return responses.stream().map(r -> r.status() + " " + r.json().path("status").asText()).toList().toString();
  }

  private static void pause() {
    try {
      Thread.sleep(250);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
