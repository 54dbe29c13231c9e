package dev.o2c.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.o2c.invoice.InvoiceIds;
import dev.o2c.payment.Payment;
import dev.o2c.payment.PaymentsProjection;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

/**
 * The payment routes end to end on real entities: invoices issued by the customers' accounts as
 * orders are placed through the API, payments received, attributed by the references they name,
 * matched, allocated by hand, unallocated, reversed and refunded through HTTP. Projections do not
 * run in route tests: the ledger and payments projection handlers are given the entities' events
 * directly where a test needs what they write.
 */
class PaymentRoutesTest extends DomainRouteTestBase {

  // --- Cash application --------------------------------------------------------------------------

  @Test
  void a_payment_naming_an_invoice_number_pays_that_invoice_by_reference() throws Exception {
    createCustomer(ACME, "pr-ref", "EUR", "10000");
    JsonNode older = invoice("pr-ref", "100.00");
    JsonNode named = invoice("pr-ref", "100.00");
    String number = named.get("invoiceNumber").asText();

    var result = pay(null, "{\"amount\":\"100.00\",\"currency\":\"EUR\",\"remittanceInfo\":\"Payment for " + number + ", thank you\"}");

    result.assertStatusCode(201);
    JsonNode payment = json(result);
    String paymentId = payment.get("paymentId").asText();
    result.assertHeaderExists("Location", "/v1/payments/" + paymentId);
    assertEquals("APPLIED", payment.get("status").asText());
    assertEquals("pr-ref", payment.get("customerId").asText(), "attributed by the invoice number in the text");
    assertEquals("REFERENCE", payment.get("attribution").get("method").asText());
    assertTrue(number.equalsIgnoreCase(payment.get("attribution").get("token").asText()), payment.toString());
    assertEquals("100.00", payment.get("amount").asText());
    assertEquals("0.00", payment.get("unappliedAmount").asText());
    JsonNode allocations = payment.get("allocations");
    assertEquals(1, allocations.size(), payment.toString());
    assertEquals(named.get("invoiceId").asText(), allocations.get(0).get("invoiceId").asText(),
        "the named invoice, not the older one of the same amount (EXACT_AMOUNT would pick that)");
    assertEquals(number, allocations.get(0).get("invoiceNumber").asText());
    assertEquals("100.00", allocations.get(0).get("amount").asText());
    assertEquals("REFERENCE", allocations.get(0).get("rule").asText());
    assertEquals(number, allocations.get(0).get("token").asText());

    JsonNode paid = getInvoice(named.get("invoiceId").asText());
    assertEquals("PAID", paid.get("status").asText(), "read right after the payment");
    assertEquals("0.00", paid.get("balance").asText());
    assertEquals("100.00", paid.get("amountPaid").asText());
    assertEquals("ISSUED", getInvoice(older.get("invoiceId").asText()).get("status").asText());
    assertEquals("100.00", customer("pr-ref").get("openReceivables").asText());
    assertEquals(payment, json(send(ACME, HttpRequest.GET("/v1/payments/" + paymentId))));
  }

  @Test
  void a_payment_naming_an_orders_external_reference_pays_its_invoice() throws Exception {
    createCustomer(ACME, "pr-po", "EUR", "10000");
    invoice("pr-po", "30.00");
    JsonNode named = invoice("pr-po", "45.00", "PO-4711");

    JsonNode payment = json(pay(null, "{\"amount\":\"45.00\",\"currency\":\"EUR\",\"remittanceInfo\":\"our order po-4711\"}"));

    assertEquals("pr-po", payment.get("customerId").asText());
    assertEquals("REFERENCE", payment.get("allocations").get(0).get("rule").asText());
    assertEquals(named.get("invoiceId").asText(), payment.get("allocations").get(0).get("invoiceId").asText());
    assertEquals("PAID", getInvoice(named.get("invoiceId").asText()).get("status").asText());
  }

  @Test
  void payments_with_a_customer_and_no_text_follow_exact_amount_then_exact_sum() throws Exception {
    createCustomer(ACME, "pr-exact", "EUR", "10000");
    JsonNode a = invoice("pr-exact", "100.00");
    JsonNode b = invoice("pr-exact", "250.00");
    JsonNode d = invoice("pr-exact", "40.00");

    JsonNode first = json(pay(null, "{\"customerId\":\"pr-exact\",\"amount\":\"250.00\",\"currency\":\"EUR\"}"));

    assertEquals("CUSTOMER_ID", first.get("attribution").get("method").asText());
    assertEquals(List.of(b.get("invoiceId").asText()), invoiceIds(first));
    assertEquals(List.of("EXACT_AMOUNT"), rules(first));
    assertEquals("PAID", getInvoice(b.get("invoiceId").asText()).get("status").asText());

    JsonNode second = json(pay(null, "{\"customerId\":\"pr-exact\",\"amount\":140,\"currency\":\"EUR\"}"));

    assertEquals(List.of(a.get("invoiceId").asText(), d.get("invoiceId").asText()), invoiceIds(second));
    assertEquals(List.of("EXACT_SUM", "EXACT_SUM"), rules(second));
    assertEquals("APPLIED", second.get("status").asText());
    assertEquals("0.00", customer("pr-exact").get("openReceivables").asText());
  }

  @Test
  void an_overpayment_pays_oldest_first_and_the_rest_pays_the_next_invoice_as_account_credit() throws Exception {
    createCustomer(ACME, "pr-over", "EUR", "10000");
    JsonNode a = invoice("pr-over", "100.00");
    JsonNode b = invoice("pr-over", "250.00");
    JsonNode d = invoice("pr-over", "40.00");

    var result = pay(null, "{\"customerId\":\"pr-over\",\"amount\":\"500.00\",\"currency\":\"EUR\"}");

    result.assertStatusCode(201);
    JsonNode payment = json(result);
    String paymentId = payment.get("paymentId").asText();
    assertEquals("PARTIALLY_APPLIED", payment.get("status").asText());
    assertEquals(List.of(a.get("invoiceId").asText(), b.get("invoiceId").asText(), d.get("invoiceId").asText()), invoiceIds(payment));
    assertEquals(List.of("OLDEST_FIRST", "OLDEST_FIRST", "OLDEST_FIRST"), rules(payment));
    assertEquals("110.00", payment.get("unappliedAmount").asText());
    JsonNode account = customer("pr-over");
    assertEquals("110.00", account.get("unappliedCash").asText());
    assertEquals("0.00", account.get("openReceivables").asText());
    assertEquals("-110.00", account.get("balance").asText());

    JsonNode e = invoice("pr-over", "60.00");

    account = customer("pr-over");
    assertEquals("50.00", account.get("unappliedCash").asText(), "the new invoice took 60.00 of it");
    assertEquals("0.00", account.get("openReceivables").asText());
    assertEquals("-50.00", account.get("balance").asText());
    JsonNode statementPayment = json(send(ACME, HttpRequest.GET("/v1/customers/pr-over/statement"))).get("payments").get(0);
    JsonNode credit = statementPayment.get("allocations").get(3);
    assertEquals(e.get("invoiceId").asText(), credit.get("invoiceId").asText());
    assertEquals("ACCOUNT_CREDIT", credit.get("rule").asText());
    assertEquals("60.00", credit.get("amount").asText());

    // The ledger projection carries the automatic application to the invoice and the payment.
    projectLedger("pr-over");

    JsonNode paid = getInvoice(e.get("invoiceId").asText());
    assertEquals("PAID", paid.get("status").asText());
    assertEquals("60.00", paid.get("amountPaid").asText());
    JsonNode now = json(send(ACME, HttpRequest.GET("/v1/payments/" + paymentId)));
    assertEquals("50.00", now.get("unappliedAmount").asText());
    assertEquals("ACCOUNT_CREDIT", now.get("allocations").get(3).get("rule").asText());
  }

  @Test
  void a_payment_without_a_customer_or_a_known_reference_stays_unapplied_and_is_listed() throws Exception {
    var result = pay(null, "{\"amount\":\"77.00\",\"currency\":\"EUR\",\"remittanceInfo\":\"nothing to recognise here\","
        + "\"method\":\"SEPA\"}");

    result.assertStatusCode(201);
    JsonNode payment = json(result);
    String paymentId = payment.get("paymentId").asText();
    assertEquals("UNAPPLIED", payment.get("status").asText());
    assertFalse(payment.hasNonNull("customerId"), payment.toString());
    assertEquals("NONE", payment.get("attribution").get("method").asText());
    assertEquals("77.00", payment.get("unappliedAmount").asText());
    assertEquals(0, payment.get("allocations").size());

    projectPayment(paymentId);

    JsonNode unapplied = json(send(ACME, HttpRequest.GET("/v1/payments?status=unapplied"))).get("payments");
    assertTrue(paymentIds(unapplied).contains(paymentId), unapplied.toString());
    JsonNode listed = find(unapplied, paymentId);
    assertEquals("UNAPPLIED", listed.get("status").asText());
    assertEquals("77.00", listed.get("unappliedAmount").asText());
    assertTrue(paymentIds(json(send(ACME, HttpRequest.GET("/v1/payments"))).get("payments")).contains(paymentId),
        "unapplied is the default list");
    assertFalse(paymentIds(json(send(GLOBEX, HttpRequest.GET("/v1/payments?status=unapplied"))).get("payments")).contains(paymentId),
        "another tenant does not see it");
  }

  @Test
  void a_payment_attributed_to_a_customer_in_another_currency_is_kept_unattributed() throws Exception {
    createCustomer(ACME, "pr-usd-ref", "USD", "10000");
    String orderId = placeOrder(ACME, null, order("pr-usd-ref", "USD", "W", 1, "20.00")).get("orderId").asText();
    JsonNode usd = invoiceOrder(orderId);

    JsonNode payment = json(pay(null, "{\"amount\":\"20.00\",\"currency\":\"EUR\",\"remittanceInfo\":\""
        + usd.get("invoiceNumber").asText() + "\"}"));

    assertEquals("UNAPPLIED", payment.get("status").asText());
    assertFalse(payment.hasNonNull("customerId"), payment.toString());
    assertEquals("ISSUED", getInvoice(usd.get("invoiceId").asText()).get("status").asText());
  }

  // --- Attribution by reference ------------------------------------------------------------------

  @Test
  void an_external_reference_two_customers_used_attributes_nothing_and_names_both_candidates() throws Exception {
    createCustomer(ACME, "pr-amb-a", "EUR", "10000");
    createCustomer(ACME, "pr-amb-b", "EUR", "10000");
    JsonNode ofA = invoice("pr-amb-a", "30.00", "PO-SHARED-1");
    JsonNode ofB = invoice("pr-amb-b", "30.00", "PO-SHARED-1");

    var result = pay(null, "{\"amount\":\"30.00\",\"currency\":\"EUR\",\"remittanceInfo\":\"re PO-SHARED-1\"}");

    result.assertStatusCode(201);
    JsonNode payment = json(result);
    assertEquals("UNAPPLIED", payment.get("status").asText());
    assertFalse(payment.hasNonNull("customerId"), payment.toString());
    assertEquals("AMBIGUOUS_REFERENCE", payment.get("attribution").get("method").asText());
    assertEquals("po-shared-1", payment.get("attribution").get("token").asText());
    assertEquals(Set.of("pr-amb-a", "pr-amb-b"), Set.copyOf(toList(payment.get("attribution").get("candidates"))));
    assertEquals("30.00", payment.get("unappliedAmount").asText());
    assertEquals("ISSUED", getInvoice(ofA.get("invoiceId").asText()).get("status").asText());
    assertEquals("ISSUED", getInvoice(ofB.get("invoiceId").asText()).get("status").asText());
    assertEquals("0.00", customer("pr-amb-a").get("unappliedCash").asText());
    assertEquals("0.00", customer("pr-amb-b").get("unappliedCash").asText());

    // A person decides: allocated by hand to B's invoice, it becomes B's.
    String paymentId = payment.get("paymentId").asText();
    JsonNode allocated = json(allocate(paymentId, allocations(ofB.get("invoiceId").asText(), "30.00")));
    assertEquals("pr-amb-b", allocated.get("customerId").asText());
    assertEquals("MANUAL", allocated.get("attribution").get("method").asText());
    assertFalse(allocated.get("attribution").has("candidates"), allocated.toString());
    assertEquals("PAID", getInvoice(ofB.get("invoiceId").asText()).get("status").asText());
    assertEquals("ISSUED", getInvoice(ofA.get("invoiceId").asText()).get("status").asText());
  }

  @Test
  void an_invoice_number_outranks_another_customers_external_reference() throws Exception {
    createCustomer(ACME, "pr-rank-a", "EUR", "10000");
    createCustomer(ACME, "pr-rank-b", "EUR", "10000");
    JsonNode ofA = invoice("pr-rank-a", "25.00");
    invoice("pr-rank-b", "25.00", "PO-RANK-B");
    String number = ofA.get("invoiceNumber").asText();

    JsonNode payment = json(pay(null, "{\"amount\":\"25.00\",\"currency\":\"EUR\",\"remittanceInfo\":\"PO-RANK-B " + number + "\"}"));

    assertEquals("pr-rank-a", payment.get("customerId").asText(), payment.toString());
    assertEquals("REFERENCE", payment.get("attribution").get("method").asText());
    assertEquals(number.toLowerCase(Locale.ROOT), payment.get("attribution").get("token").asText());
    assertEquals(List.of(ofA.get("invoiceId").asText()), invoiceIds(payment));
    assertEquals("PAID", getInvoice(ofA.get("invoiceId").asText()).get("status").asText());
  }

  @Test
  void a_payment_naming_an_order_id_is_attributed_by_the_order_and_pays_its_invoice() throws Exception {
    createCustomer(ACME, "pr-ord", "EUR", "10000");
    JsonNode older = invoice("pr-ord", "55.00");
    JsonNode named = invoice("pr-ord", "55.00");
    String orderId = named.get("orderId").asText();

    JsonNode payment = json(pay(null, "{\"amount\":\"55.00\",\"currency\":\"EUR\",\"remittanceInfo\":\"order " + orderId + "\"}"));

    assertEquals("pr-ord", payment.get("customerId").asText(), payment.toString());
    assertEquals("REFERENCE", payment.get("attribution").get("method").asText());
    assertEquals(orderId, payment.get("attribution").get("token").asText());
    assertEquals(List.of(named.get("invoiceId").asText()), invoiceIds(payment), "the order's invoice, not the older one");
    assertEquals(List.of("REFERENCE"), rules(payment));
    assertEquals("ISSUED", getInvoice(older.get("invoiceId").asText()).get("status").asText());
  }

  @Test
  void a_payment_naming_an_order_not_invoiced_yet_is_its_customers_unapplied_cash() {
    createCustomer(ACME, "pr-ord-held", "EUR", "10");
    JsonNode held = placeOrder(ACME, null, order("pr-ord-held", "EUR", "W", 1, "90.00"));
    assertEquals("ON_HOLD", held.get("status").asText());

    JsonNode payment = json(pay(null, "{\"amount\":\"90.00\",\"currency\":\"EUR\",\"remittanceInfo\":\""
        + held.get("orderId").asText() + "\"}"));

    assertEquals("pr-ord-held", payment.get("customerId").asText(), payment.toString());
    assertEquals("REFERENCE", payment.get("attribution").get("method").asText());
    assertEquals("UNAPPLIED", payment.get("status").asText(), "no invoice to pay yet");
    assertEquals("90.00", customer("pr-ord-held").get("unappliedCash").asText());
  }

  @Test
  void a_payment_received_before_its_invoice_is_attributed_and_applied_when_the_invoice_is_issued() throws Exception {
    createCustomer(ACME, "pr-late", "EUR", "10000");
    JsonNode early = json(pay(null, "{\"amount\":\"45.00\",\"currency\":\"EUR\",\"remittanceInfo\":\"PO-LATE-7 thanks\"}"));
    assertEquals("UNAPPLIED", early.get("status").asText());
    assertEquals("NONE", early.get("attribution").get("method").asText());
    String paymentId = early.get("paymentId").asText();

    JsonNode inv = invoice("pr-late", "45.00", "PO-LATE-7");

    JsonNode payment = paymentOnce(paymentId, p -> p.hasNonNull("customerId") && "APPLIED".equals(p.get("status").asText()));
    assertEquals("pr-late", payment.get("customerId").asText());
    assertEquals("REFERENCE", payment.get("attribution").get("method").asText());
    assertEquals("po-late-7", payment.get("attribution").get("token").asText());
    assertEquals(List.of(inv.get("invoiceId").asText()), invoiceIds(payment));
    assertEquals("PAID", getInvoice(inv.get("invoiceId").asText()).get("status").asText());
    assertEquals("0.00", customer("pr-late").get("openReceivables").asText());
    assertEquals("0.00", customer("pr-late").get("unappliedCash").asText(), "applied once");
  }

  // --- Exactly once ------------------------------------------------------------------------------

  @Test
  void the_same_bank_reference_again_is_the_original_payment_and_pays_once() throws Exception {
    createCustomer(ACME, "pr-bank", "EUR", "10000");
    JsonNode inv = invoice("pr-bank", "80.00");
    String body = "{\"customerId\":\"pr-bank\",\"amount\":\"80.00\",\"currency\":\"EUR\",\"bankReference\":\"BR-PR-0001\"}";

    // A route result is awaited when first read: each is read before the next request is sent.
    var first = pay(null, body);
    first.assertStatusCode(201);
    var second = pay(null, body);
    second.assertStatusCode(201); // the same request again: a replay of the first answer
    var otherLine = pay("bank-key-x", "{\"amount\":\"81.00\",\"currency\":\"EUR\",\"bankReference\":\"BR-PR-0001\"}");
    otherLine.assertStatusCode(200);
    JsonNode original = json(first);
    assertEquals(original.get("paymentId"), json(second).get("paymentId"));
    assertEquals("80.00", json(second).get("amount").asText());
    assertEquals("APPLIED", json(second).get("status").asText());
    assertEquals(original.get("allocations"), json(second).get("allocations"));
    assertEquals(original.get("paymentId"), json(otherLine).get("paymentId"), "the bank reference is the payment");
    assertEquals("80.00", json(otherLine).get("amount").asText());
    assertEquals("true", second.response().getHeader("Idempotent-Replayed").orElseThrow().value());
    assertTrue(json(otherLine).get("allocations").size() == 1, "another line with that bank reference: the original, as it is now");
    assertFalse(otherLine.response().getHeader("Idempotent-Replayed").isPresent(), "a duplicate is not a replay");

    JsonNode invoice = getInvoice(inv.get("invoiceId").asText());
    assertEquals("80.00", invoice.get("amountPaid").asText(), "paid once");
    assertEquals(1, invoice.get("applications").size());
    JsonNode account = customer("pr-bank");
    assertEquals("0.00", account.get("unappliedCash").asText());
    assertEquals("0.00", account.get("balance").asText());
  }

  @Test
  void an_idempotency_key_retry_gets_the_first_answer_and_the_key_with_another_body_is_422() throws Exception {
    createCustomer(ACME, "pr-key", "EUR", "10000");
    JsonNode inv = invoice("pr-key", "35.00");
    String body = "{\"customerId\":\"pr-key\",\"amount\":\"35.00\",\"currency\":\"EUR\"}";

    var first = pay("pr-key-1", body);
    first.assertStatusCode(201);
    var retry = pay("pr-key-1", body);
    retry.assertStatusCode(201);
    retry.assertHeaderExists("Idempotent-Replayed", "true");
    assertEquals(json(first), json(retry));
    assertEquals("35.00", getInvoice(inv.get("invoiceId").asText()).get("amountPaid").asText(), "paid once");

    JsonNode reused = problem(pay("pr-key-1", "{\"customerId\":\"pr-key\",\"amount\":\"36.00\",\"currency\":\"EUR\"}"), 422,
        "idempotency-key-reused");
    assertEquals(422, reused.get("status").asInt());
    assertEquals("0.00", customer("pr-key").get("unappliedCash").asText(), "nothing of the second body was taken");
  }

  @Test
  void an_amount_written_differently_is_the_same_request_under_its_key() {
    createCustomer(ACME, "pr-key-fmt", "EUR", "10000");
    var first = pay("pr-key-fmt", "{\"customerId\":\"pr-key-fmt\",\"amount\":\"35.00\",\"currency\":\"EUR\"}");
    first.assertStatusCode(201);

    var retry = pay("pr-key-fmt", "{\"customerId\":\"pr-key-fmt\",\"amount\":35,\"currency\":\"EUR\"}");

    retry.assertStatusCode(201);
    retry.assertHeaderExists("Idempotent-Replayed", "true");
    assertEquals(json(first).get("paymentId"), json(retry).get("paymentId"));
    assertEquals("35.00", customer("pr-key-fmt").get("unappliedCash").asText());
  }

  @Test
  void a_key_used_with_one_bank_reference_cannot_receive_a_payment_with_another() {
    createCustomer(ACME, "pr-key-br", "EUR", "10000");
    pay("pr-key-br-1", "{\"customerId\":\"pr-key-br\",\"amount\":\"10.00\",\"currency\":\"EUR\",\"bankReference\":\"BR-KEY-1\"}")
        .assertStatusCode(201);

    var reused = pay("pr-key-br-1", "{\"customerId\":\"pr-key-br\",\"amount\":\"10.00\",\"currency\":\"EUR\","
        + "\"bankReference\":\"BR-KEY-2\"}");

    reused.response(); // awaited before the account is read
    assertEquals("10.00", customer("pr-key-br").get("unappliedCash").asText(), "the second body must not be taken");
    problem(reused, 422, "idempotency-key-reused");
  }

  @Test
  void a_key_used_without_a_bank_reference_cannot_receive_a_payment_with_one() {
    createCustomer(ACME, "pr-key-nobr", "EUR", "10000");
    pay("pr-key-nobr-1", "{\"customerId\":\"pr-key-nobr\",\"amount\":\"10.00\",\"currency\":\"EUR\"}").assertStatusCode(201);

    var reused = pay("pr-key-nobr-1", "{\"customerId\":\"pr-key-nobr\",\"amount\":\"10.00\",\"currency\":\"EUR\","
        + "\"bankReference\":\"BR-KEY-3\"}");

    reused.response(); // awaited before the account is read
    assertEquals("10.00", customer("pr-key-nobr").get("unappliedCash").asText(), "the second body must not be taken");
    problem(reused, 422, "idempotency-key-reused");
  }

  // --- Validation --------------------------------------------------------------------------------

  @Test
  void invalid_payments_are_400_naming_the_field() {
    String future = LocalDate.now(ZoneOffset.UTC).plusDays(2).toString();
    assertEquals("amount", field(pay(null, "{\"currency\":\"EUR\"}")));
    assertEquals("amount", field(pay(null, "{\"amount\":\"0\",\"currency\":\"EUR\"}")));
    assertEquals("amount", field(pay(null, "{\"amount\":\"0.00\",\"currency\":\"EUR\"}")));
    assertEquals("amount", field(pay(null, "{\"amount\":\"-5.00\",\"currency\":\"EUR\"}")));
    assertEquals("amount", field(pay(null, "{\"amount\":\"10.001\",\"currency\":\"EUR\"}")));
    assertEquals("amount", field(pay(null, "{\"amount\":10.001,\"currency\":\"EUR\"}")));
    assertEquals("amount", field(pay(null, "{\"amount\":\"100.5\",\"currency\":\"JPY\"}")));
    assertEquals("currency", field(pay(null, "{\"amount\":\"10.00\",\"currency\":\"EURO\"}")));
    assertEquals("currency", field(pay(null, "{\"amount\":\"10.00\"}")));
    assertEquals("receivedOn", field(pay(null, "{\"amount\":\"10.00\",\"currency\":\"EUR\",\"receivedOn\":\"" + future + "\"}")));
    assertEquals("receivedOn", field(pay(null, "{\"amount\":\"10.00\",\"currency\":\"EUR\",\"receivedOn\":\"yesterday\"}")));
    assertEquals("remittanceInfo", field(pay(null, "{\"amount\":\"10.00\",\"currency\":\"EUR\",\"remittanceInfo\":\""
        + "x".repeat(1001) + "\"}")));
    assertEquals("bankReference", field(pay(null, "{\"amount\":\"10.00\",\"currency\":\"EUR\",\"bankReference\":\"   \"}")));
    assertEquals("customerId", field(pay(null, "{\"customerId\":\"no such id!\",\"amount\":\"10.00\",\"currency\":\"EUR\"}")));
    assertEquals("colour", field(pay(null, "{\"amount\":\"10.00\",\"currency\":\"EUR\",\"colour\":\"red\"}")));
    assertEquals("Idempotency-Key", field(pay("bad\u0001key", "{\"amount\":\"10.00\",\"currency\":\"EUR\"}")));

    JsonNode both = problem(pay(null, "{\"amount\":\"-1\",\"currency\":\"XXQ\"}"), 400, "validation");
    assertEquals(2, both.get("errors").size(), "every field error at once: " + both);

    problem(pay(null, "{\"amount\":\"10.00\",\"currency\":"), 400, "malformed-json");
    problem(send(ACME, HttpRequest.POST("/v1/payments")
        .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, "{\"amount\":\"10.00\",\"currency\":\"EUR\"}"))), 415,
        "unsupported-media-type");
    problem(send(ACME, HttpRequest.POST("/v1/payments")), 400, "validation");
  }

  @Test
  void amounts_at_the_currencys_scale_are_taken() {
    createCustomer(ACME, "pr-jpy", "JPY", "1000000");
    JsonNode yen = json(pay(null, "{\"customerId\":\"pr-jpy\",\"amount\":\"1500\",\"currency\":\"JPY\"}"));
    assertEquals("1500", yen.get("amount").asText());
    JsonNode euro = json(pay(null, "{\"amount\":12.5,\"currency\":\"EUR\",\"remittanceInfo\":\"scale test\"}"));
    assertEquals("12.50", euro.get("amount").asText(), "written at the currency's scale");
  }

  @Test
  void an_unknown_customer_is_422_and_nothing_is_stored_under_the_key() {
    createCustomer(ACME, "pr-known", "EUR", "10000");

    problem(pay("pr-unknown-key", "{\"customerId\":\"pr-nobody\",\"amount\":\"10.00\",\"currency\":\"EUR\"}"), 422, "unprocessable");

    var corrected = pay("pr-unknown-key", "{\"customerId\":\"pr-known\",\"amount\":\"10.00\",\"currency\":\"EUR\"}");
    corrected.assertStatusCode(201);
    assertFalse(corrected.response().getHeader("Idempotent-Replayed").isPresent());
    assertEquals("pr-known", json(corrected).get("customerId").asText());
    assertEquals("10.00", customer("pr-known").get("unappliedCash").asText());
  }

  @Test
  void a_validation_failure_is_not_stored_under_the_key() {
    problem(pay("pr-invalid-key", "{\"amount\":\"0\",\"currency\":\"EUR\"}"), 400, "validation");

    pay("pr-invalid-key", "{\"amount\":\"3.00\",\"currency\":\"EUR\",\"remittanceInfo\":\"corrected\"}").assertStatusCode(201);
  }

  @Test
  void a_payment_in_another_currency_than_the_customers_is_422() {
    createCustomer(ACME, "pr-usd", "USD", "10000");

    JsonNode refused = problem(pay("pr-usd-key", "{\"customerId\":\"pr-usd\",\"amount\":\"10.00\",\"currency\":\"EUR\"}"), 422,
        "unprocessable");

    assertTrue(refused.get("detail").asText().contains("USD"), refused.toString());
    assertEquals("0.00", customer("pr-usd").get("unappliedCash").asText());
    pay("pr-usd-key", "{\"customerId\":\"pr-usd\",\"amount\":\"10.00\",\"currency\":\"USD\"}").assertStatusCode(201);
  }

  // --- Reading -----------------------------------------------------------------------------------

  @Test
  void unknown_payments_and_other_tenants_payments_are_404() {
    createCustomer(ACME, "pr-tenant", "EUR", "10000");
    String paymentId = json(pay(null, "{\"customerId\":\"pr-tenant\",\"amount\":\"10.00\",\"currency\":\"EUR\"}"))
        .get("paymentId").asText();

    problem(send(ACME, HttpRequest.GET("/v1/payments/pay_nothing")), 404, "not-found");
    problem(send(ACME, HttpRequest.GET("/v1/payments/not%20an%20id")), 404, "not-found");
    problem(send(GLOBEX, HttpRequest.GET("/v1/payments/" + paymentId)), 404, "not-found");
    problem(send(GLOBEX, post("/v1/payments/" + paymentId + "/reverse", "{}")), 404, "not-found");
    problem(send(GLOBEX, HttpRequest.DELETE("/v1/payments/" + paymentId + "/allocations/inv_x")), 404, "not-found");
    problem(send(GLOBEX, HttpRequest.GET("/v1/customers/pr-tenant/statement")), 404, "not-found");
    problem(send(GLOBEX, post("/v1/customers/pr-tenant/refunds", "{\"amount\":\"1.00\",\"currency\":\"EUR\"}")), 404, "not-found");
    send(ACME, HttpRequest.GET("/v1/payments/" + paymentId)).assertStatusCode(200);
    assertEquals("10.00", customer("pr-tenant").get("unappliedCash").asText(), "globex's refund took nothing");
  }

  @Test
  void list_parameters_are_validated() {
    assertEquals("status", field(send(ACME, HttpRequest.GET("/v1/payments?status=late"))));
    assertEquals("customerId", field(send(ACME, HttpRequest.GET("/v1/payments?status=all"))));
    assertEquals("limit", field(send(ACME, HttpRequest.GET("/v1/payments?limit=0"))));
    assertEquals("customerId", field(send(ACME, HttpRequest.GET("/v1/payments?customerId=bad%20id"))));
  }

  @Test
  void a_customers_payments_are_listed_once_projected() throws Exception {
    createCustomer(ACME, "pr-list", "EUR", "10000");
    String paymentId = json(pay(null, "{\"customerId\":\"pr-list\",\"amount\":\"10.00\",\"currency\":\"EUR\"}")).get("paymentId").asText();
    projectPayment(paymentId);

    JsonNode all = json(send(ACME, HttpRequest.GET("/v1/payments?status=all&customerId=pr-list"))).get("payments");

    assertEquals(List.of(paymentId), paymentIds(all));
    assertEquals(List.of(), paymentIds(json(send(ACME, HttpRequest.GET("/v1/payments?customerId=pr-nobody-list"))).get("payments")));
  }

  // --- Manual allocation -------------------------------------------------------------------------

  @Test
  void an_unattributed_payment_is_allocated_by_hand_and_becomes_the_invoices_customers() throws Exception {
    createCustomer(ACME, "pr-manual", "EUR", "10000");
    JsonNode inv = invoice("pr-manual", "100.00");
    String invoiceId = inv.get("invoiceId").asText();
    String paymentId = json(pay(null, "{\"amount\":\"60.00\",\"currency\":\"EUR\",\"remittanceInfo\":\"unrecognisable\"}"))
        .get("paymentId").asText();

    var result = allocate(paymentId, "{\"allocations\":[{\"invoiceId\":\"" + invoiceId + "\",\"amount\":\"60.00\"}]}");

    result.assertStatusCode(200);
    JsonNode payment = json(result);
    assertEquals("pr-manual", payment.get("customerId").asText());
    assertEquals("MANUAL", payment.get("attribution").get("method").asText());
    assertEquals("APPLIED", payment.get("status").asText());
    assertEquals("0.00", payment.get("unappliedAmount").asText());
    assertEquals(List.of(invoiceId), invoiceIds(payment));
    assertEquals(List.of("MANUAL"), rules(payment));
    assertEquals("60.00", payment.get("allocations").get(0).get("amount").asText());
    JsonNode invoice = getInvoice(invoiceId);
    assertEquals("40.00", invoice.get("balance").asText());
    assertEquals("PARTIALLY_PAID", invoice.get("status").asText());
    JsonNode account = customer("pr-manual");
    assertEquals("40.00", account.get("openReceivables").asText());
    assertEquals("0.00", account.get("unappliedCash").asText());
    assertEquals(payment, json(send(ACME, HttpRequest.GET("/v1/payments/" + paymentId))));
  }

  @Test
  void unapplied_cash_of_an_attributed_payment_is_allocated_by_hand() throws Exception {
    createCustomer(ACME, "pr-manual2", "EUR", "10000");
    String paymentId = json(pay(null, "{\"customerId\":\"pr-manual2\",\"amount\":\"50.00\",\"currency\":\"EUR\"}"))
        .get("paymentId").asText();
    // Issued after the payment: auto-apply pays it at once, so take that back first.
    JsonNode inv = invoice("pr-manual2", "30.00");
    String invoiceId = inv.get("invoiceId").asText();
    projectLedger("pr-manual2");
    send(ACME, HttpRequest.DELETE("/v1/payments/" + paymentId + "/allocations/" + invoiceId)).assertStatusCode(200);
    assertEquals("30.00", getInvoice(invoiceId).get("balance").asText());

    JsonNode payment = json(allocate(paymentId, "{\"allocations\":[{\"invoiceId\":\"" + invoiceId + "\",\"amount\":12.5}]}"));

    assertEquals("CUSTOMER_ID", payment.get("attribution").get("method").asText());
    assertEquals("37.50", payment.get("unappliedAmount").asText());
    assertEquals("PARTIALLY_APPLIED", payment.get("status").asText());
    assertEquals("17.50", getInvoice(invoiceId).get("balance").asText());
  }

  @Test
  void allocations_that_cannot_be_made_are_422_with_the_field_and_change_nothing() throws Exception {
    createCustomer(ACME, "pr-alloc", "EUR", "10000");
    createCustomer(ACME, "pr-alloc-other", "EUR", "10000");
    String small = invoice("pr-alloc", "20.00").get("invoiceId").asText();
    String big = invoice("pr-alloc", "500.00").get("invoiceId").asText();
    String others = invoice("pr-alloc-other", "10.00").get("invoiceId").asText();
    String paymentId = json(pay(null, "{\"amount\":\"100.00\",\"currency\":\"EUR\",\"remittanceInfo\":\"who knows\"}"))
        .get("paymentId").asText();

    JsonNode moreThanUnapplied = problem(allocate(paymentId, allocations(big, "150.00")), 422, "unprocessable");
    assertTrue(moreThanUnapplied.has("allocations"), moreThanUnapplied.toString());
    JsonNode moreThanBalance = problem(allocate(paymentId, allocations(small, "30.00")), 422, "unprocessable");
    assertTrue(moreThanBalance.has("allocations[0].amount"), moreThanBalance.toString());
    JsonNode otherCustomers = problem(allocate(paymentId, allocations(small, "10.00", others, "5.00")), 422, "unprocessable");
    assertTrue(otherCustomers.has("allocations[1].invoiceId"), otherCustomers.toString());
    JsonNode unknown = problem(allocate(paymentId, allocations("inv_nothing", "5.00")), 422, "unprocessable");
    assertTrue(unknown.has("allocations[0].invoiceId"), unknown.toString());

    assertEquals("allocations[1].invoiceId", field(allocate(paymentId, allocations(small, "5.00", small, "5.00"))));
    assertEquals("allocations[0].amount", field(allocate(paymentId, allocations(small, "0"))));
    assertEquals("allocations[0].amount", field(allocate(paymentId, allocations(small, "1.001"))));
    assertEquals("allocations", field(allocate(paymentId, "{\"allocations\":[]}")));
    assertEquals("allocations", field(allocate(paymentId, "{}")));
    problem(allocate("pay_nothing", allocations(small, "5.00")), 404, "not-found");

    JsonNode payment = json(send(ACME, HttpRequest.GET("/v1/payments/" + paymentId)));
    assertEquals("UNAPPLIED", payment.get("status").asText());
    assertEquals("100.00", payment.get("unappliedAmount").asText());
    assertFalse(payment.hasNonNull("customerId"));
    assertEquals("20.00", getInvoice(small).get("balance").asText());
    assertEquals("500.00", getInvoice(big).get("balance").asText());
    assertEquals("10.00", getInvoice(others).get("balance").asText());
  }

  @Test
  void an_attributed_payment_cannot_be_allocated_to_another_customers_invoice() throws Exception {
    createCustomer(ACME, "pr-mine", "EUR", "10000");
    createCustomer(ACME, "pr-theirs", "EUR", "10000");
    String theirs = invoice("pr-theirs", "10.00").get("invoiceId").asText();
    String paymentId = json(pay(null, "{\"customerId\":\"pr-mine\",\"amount\":\"50.00\",\"currency\":\"EUR\"}")).get("paymentId").asText();

    JsonNode refused = problem(allocate(paymentId, allocations(theirs, "10.00")), 422, "unprocessable");

    assertTrue(refused.has("allocations[0].invoiceId"), refused.toString());
    assertEquals("10.00", getInvoice(theirs).get("balance").asText());
    assertEquals("50.00", customer("pr-mine").get("unappliedCash").asText());
  }

  @Test
  void taking_an_allocation_back_unapplies_the_money_and_reopens_the_invoice() throws Exception {
    createCustomer(ACME, "pr-unalloc", "EUR", "10000");
    String invoiceId = invoice("pr-unalloc", "70.00").get("invoiceId").asText();
    String paymentId = json(pay(null, "{\"customerId\":\"pr-unalloc\",\"amount\":\"70.00\",\"currency\":\"EUR\"}")).get("paymentId").asText();
    assertEquals("PAID", getInvoice(invoiceId).get("status").asText());

    var result = send(ACME, HttpRequest.DELETE("/v1/payments/" + paymentId + "/allocations/" + invoiceId));

    result.assertStatusCode(200);
    JsonNode payment = json(result);
    assertEquals("UNAPPLIED", payment.get("status").asText());
    assertEquals("70.00", payment.get("unappliedAmount").asText());
    assertEquals(0, payment.get("allocations").size());
    JsonNode invoice = getInvoice(invoiceId);
    assertEquals("70.00", invoice.get("balance").asText());
    assertEquals("ISSUED", invoice.get("status").asText());
    JsonNode account = customer("pr-unalloc");
    assertEquals("70.00", account.get("unappliedCash").asText());
    assertEquals("70.00", account.get("openReceivables").asText());
    assertEquals("0.00", account.get("balance").asText());

    problem(send(ACME, HttpRequest.DELETE("/v1/payments/" + paymentId + "/allocations/" + invoiceId)), 404, "not-found");
    problem(send(ACME, HttpRequest.DELETE("/v1/payments/pay_nothing/allocations/" + invoiceId)), 404, "not-found");
  }

  // --- Reversal ----------------------------------------------------------------------------------

  @Test
  void reversing_a_payment_reopens_its_invoices_and_is_idempotent() throws Exception {
    createCustomer(ACME, "pr-reverse", "EUR", "10000");
    JsonNode a = invoice("pr-reverse", "100.00");
    JsonNode b = invoice("pr-reverse", "50.00");
    String aId = a.get("invoiceId").asText();
    String bId = b.get("invoiceId").asText();
    pay(null, "{\"amount\":\"10.00\",\"currency\":\"EUR\",\"remittanceInfo\":\"" + b.get("invoiceNumber").asText() + "\"}")
        .assertStatusCode(201);
    JsonNode payment = json(pay(null, "{\"customerId\":\"pr-reverse\",\"amount\":\"120.00\",\"currency\":\"EUR\"}"));
    String paymentId = payment.get("paymentId").asText();
    assertEquals(List.of(aId, bId), invoiceIds(payment));
    assertEquals("PAID", getInvoice(aId).get("status").asText());
    assertEquals("20.00", getInvoice(bId).get("balance").asText());

    var result = send(ACME, post("/v1/payments/" + paymentId + "/reverse", "{\"reason\":\"chargeback\"}"));

    result.assertStatusCode(200);
    JsonNode reversed = json(result);
    assertEquals("REVERSED", reversed.get("status").asText());
    assertEquals("chargeback", reversed.get("reversal").get("reason").asText());
    assertEquals("acme-shop (finance)", reversed.get("reversal").get("by").asText());
    assertEquals(0, reversed.get("allocations").size());
    JsonNode aNow = getInvoice(aId);
    assertEquals("100.00", aNow.get("balance").asText());
    assertEquals("ISSUED", aNow.get("status").asText());
    JsonNode bNow = getInvoice(bId);
    assertEquals("40.00", bNow.get("balance").asText());
    assertEquals("PARTIALLY_PAID", bNow.get("status").asText(), "the other payment's 10.00 stays");
    JsonNode account = customer("pr-reverse");
    assertEquals("140.00", account.get("openReceivables").asText());
    assertEquals("140.00", account.get("balance").asText());

    var again = send(ACME, HttpRequest.POST("/v1/payments/" + paymentId + "/reverse"));
    again.assertStatusCode(200);
    assertEquals("REVERSED", json(again).get("status").asText());
    assertEquals("100.00", getInvoice(aId).get("balance").asText(), "reversed once");
    assertEquals("140.00", customer("pr-reverse").get("openReceivables").asText());

    JsonNode refused = problem(allocate(paymentId, allocations(aId, "10.00")), 409, "illegal-transition");
    assertEquals("REVERSED", refused.get("currentStatus").asText());
    problem(send(ACME, HttpRequest.DELETE("/v1/payments/" + paymentId + "/allocations/" + aId)), 409, "illegal-transition");
  }

  @Test
  void an_unattributed_payment_is_reversed_and_leaves_the_unapplied_list() throws Exception {
    String paymentId = json(pay(null, "{\"amount\":\"9.00\",\"currency\":\"EUR\",\"remittanceInfo\":\"to be returned\"}"))
        .get("paymentId").asText();

    JsonNode reversed = json(send(ACME, post("/v1/payments/" + paymentId + "/reverse", "{\"reason\":\"returned\"}")));

    assertEquals("REVERSED", reversed.get("status").asText());
    assertEquals("0.00", reversed.get("unappliedAmount").asText());
    projectPayment(paymentId);
    assertFalse(paymentIds(json(send(ACME, HttpRequest.GET("/v1/payments?status=unapplied"))).get("payments")).contains(paymentId));
    assertEquals("reason", field(send(ACME, post("/v1/payments/" + paymentId + "/reverse",
        "{\"reason\":\"" + "r".repeat(501) + "\"}"))));
    problem(send(ACME, post("/v1/payments/pay_nothing/reverse", "{}")), 404, "not-found");
  }

  @Test
  void reversing_a_payment_with_unapplied_cash_takes_that_cash_off_the_account() {
    createCustomer(ACME, "pr-reverse-cash", "EUR", "10000");
    String paymentId = json(pay(null, "{\"customerId\":\"pr-reverse-cash\",\"amount\":\"50.00\",\"currency\":\"EUR\"}"))
        .get("paymentId").asText();
    assertEquals("-50.00", customer("pr-reverse-cash").get("balance").asText());

    JsonNode reversed = json(send(ACME, HttpRequest.POST("/v1/payments/" + paymentId + "/reverse")));

    assertEquals("REVERSED", reversed.get("status").asText());
    assertEquals("0.00", reversed.get("unappliedAmount").asText());
    JsonNode account = customer("pr-reverse-cash");
    assertEquals("0.00", account.get("unappliedCash").asText());
    assertEquals("0.00", account.get("balance").asText());
    problem(refund("pr-reverse-cash", null, "{\"amount\":\"1.00\",\"currency\":\"EUR\"}"), 422, "unprocessable");
  }

  @Test
  void a_refunded_payment_cannot_be_reversed() {
    createCustomer(ACME, "pr-refunded", "EUR", "10000");
    String paymentId = json(pay(null, "{\"customerId\":\"pr-refunded\",\"amount\":\"100.00\",\"currency\":\"EUR\"}"))
        .get("paymentId").asText();
    refund("pr-refunded", null, "{\"amount\":\"30.00\",\"currency\":\"EUR\"}").assertStatusCode(201);

    problem(send(ACME, post("/v1/payments/" + paymentId + "/reverse", "{\"reason\":\"chargeback\"}")), 409, "illegal-transition");

    JsonNode account = customer("pr-refunded");
    assertEquals("70.00", account.get("unappliedCash").asText(), "nothing reversed");
  }

  // --- Refunds -----------------------------------------------------------------------------------

  @Test
  void a_refund_pays_back_unapplied_cash_once_per_key() {
    createCustomer(ACME, "pr-refund", "EUR", "10000");
    String paymentId = json(pay(null, "{\"customerId\":\"pr-refund\",\"amount\":\"100.00\",\"currency\":\"EUR\"}"))
        .get("paymentId").asText();
    String body = "{\"amount\":\"40.00\",\"currency\":\"EUR\",\"reference\":\"REF-1\"}";

    var first = refund("pr-refund", "pr-refund-1", body);

    first.assertStatusCode(201);
    first.assertHeaderExists("Location", "/v1/customers/pr-refund/statement");
    JsonNode refund = json(first);
    assertEquals("40.00", refund.get("amount").asText());
    assertEquals("EUR", refund.get("currency").asText());
    assertEquals("REF-1", refund.get("reference").asText());
    assertEquals("pr-refund", refund.get("customerId").asText());
    assertEquals(1, refund.get("sources").size());
    assertEquals(paymentId, refund.get("sources").get(0).get("paymentId").asText());
    assertEquals("40.00", refund.get("sources").get(0).get("amount").asText());
    assertEquals("60.00", customer("pr-refund").get("unappliedCash").asText());

    var retry = refund("pr-refund", "pr-refund-1", body);
    retry.assertStatusCode(201);
    retry.assertHeaderExists("Idempotent-Replayed", "true");
    assertEquals(refund.get("refundId"), json(retry).get("refundId"));
    assertEquals("60.00", customer("pr-refund").get("unappliedCash").asText(), "refunded once");

    problem(refund("pr-refund", "pr-refund-1", "{\"amount\":\"41.00\",\"currency\":\"EUR\"}"), 422, "idempotency-key-reused");

    JsonNode over = problem(refund("pr-refund", "pr-refund-2", "{\"amount\":\"60.01\",\"currency\":\"EUR\"}"), 422, "unprocessable");
    assertEquals("60.00", over.get("unappliedCash").asText());
    refund("pr-refund", "pr-refund-2", "{\"amount\":\"60.00\",\"currency\":\"EUR\"}").assertStatusCode(201);
    assertEquals("0.00", customer("pr-refund").get("unappliedCash").asText());
  }

  @Test
  void a_refund_takes_the_oldest_unapplied_cash_first_and_the_payments_show_it_once_the_ledger_is_projected() throws Exception {
    createCustomer(ACME, "pr-refund-old", "EUR", "10000");
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    String newer = json(pay(null, "{\"customerId\":\"pr-refund-old\",\"amount\":\"20.00\",\"currency\":\"EUR\",\"receivedOn\":\""
        + today + "\"}")).get("paymentId").asText();
    String older = json(pay(null, "{\"customerId\":\"pr-refund-old\",\"amount\":\"10.00\",\"currency\":\"EUR\",\"receivedOn\":\""
        + today.minusDays(3) + "\"}")).get("paymentId").asText();

    var result = refund("pr-refund-old", null, "{\"amount\":\"25.00\",\"currency\":\"EUR\"}");

    result.assertStatusCode(201);
    JsonNode sources = json(result).get("sources");
    assertEquals(List.of(older, newer), sources.findValuesAsText("paymentId"));
    assertEquals(List.of("10.00", "15.00"), sources.findValuesAsText("amount"));
    assertEquals("5.00", customer("pr-refund-old").get("unappliedCash").asText());

    projectLedger("pr-refund-old");

    JsonNode olderNow = json(send(ACME, HttpRequest.GET("/v1/payments/" + older)));
    assertEquals("REFUNDED", olderNow.get("status").asText());
    assertEquals("10.00", olderNow.get("refundedAmount").asText());
    assertEquals("0.00", olderNow.get("unappliedAmount").asText());
    JsonNode newerNow = json(send(ACME, HttpRequest.GET("/v1/payments/" + newer)));
    assertEquals("15.00", newerNow.get("refundedAmount").asText());
    assertEquals("5.00", newerNow.get("unappliedAmount").asText());
    assertEquals("UNAPPLIED", newerNow.get("status").asText());
    JsonNode statement = json(send(ACME, HttpRequest.GET("/v1/customers/pr-refund-old/statement?from=" + today.minusDays(7))));
    assertEquals(1, statement.get("refunds").size());
    assertEquals("25.00", statement.get("refunds").get(0).get("amount").asText());
    assertEquals(2, statement.get("payments").size());
    assertEquals(older, statement.get("payments").get(0).get("paymentId").asText(), "by the day received");
  }

  @Test
  void a_refund_key_used_for_one_customer_cannot_refund_another() {
    createCustomer(ACME, "pr-refund-a", "EUR", "10000");
    createCustomer(ACME, "pr-refund-b", "EUR", "10000");
    pay(null, "{\"customerId\":\"pr-refund-a\",\"amount\":\"10.00\",\"currency\":\"EUR\"}").assertStatusCode(201);
    pay(null, "{\"customerId\":\"pr-refund-b\",\"amount\":\"10.00\",\"currency\":\"EUR\"}").assertStatusCode(201);
    String body = "{\"amount\":\"5.00\",\"currency\":\"EUR\"}";
    refund("pr-refund-a", "pr-refund-shared", body).assertStatusCode(201);

    var reused = refund("pr-refund-b", "pr-refund-shared", body);

    reused.response(); // awaited before the account is read
    assertEquals("10.00", customer("pr-refund-b").get("unappliedCash").asText(), "nothing refunded to the other customer");
    problem(reused, 422, "idempotency-key-reused");
  }

  @Test
  void invalid_refunds_are_400_404_or_422() {
    createCustomer(ACME, "pr-refund-bad", "EUR", "10000");
    pay(null, "{\"customerId\":\"pr-refund-bad\",\"amount\":\"10.00\",\"currency\":\"EUR\"}").assertStatusCode(201);

    assertEquals("amount", field(refund("pr-refund-bad", null, "{\"amount\":\"0\",\"currency\":\"EUR\"}")));
    assertEquals("amount", field(refund("pr-refund-bad", null, "{\"amount\":\"1.001\",\"currency\":\"EUR\"}")));
    assertEquals("currency", field(refund("pr-refund-bad", null, "{\"amount\":\"1.00\"}")));
    problem(refund("pr-refund-bad", null, "{\"amount\":\"1.00\",\"currency\":\"USD\"}"), 422, "unprocessable");
    problem(refund("pr-refund-nobody", null, "{\"amount\":\"1.00\",\"currency\":\"EUR\"}"), 404, "not-found");
    assertEquals("10.00", customer("pr-refund-bad").get("unappliedCash").asText());
  }

  // --- Statement ---------------------------------------------------------------------------------

  @Test
  void a_statement_shows_open_invoices_unapplied_cash_the_periods_payments_and_the_balance() throws Exception {
    createCustomer(ACME, "pr-stmt", "EUR", "10000");
    String aId = invoice("pr-stmt", "100.00").get("invoiceId").asText();
    String bId = invoice("pr-stmt", "50.00").get("invoiceId").asText();
    String paymentId = json(pay(null, "{\"customerId\":\"pr-stmt\",\"amount\":\"120.00\",\"currency\":\"EUR\"}")).get("paymentId").asText();

    var result = send(ACME, HttpRequest.GET("/v1/customers/pr-stmt/statement"));

    result.assertStatusCode(200);
    JsonNode statement = json(result);
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    assertEquals("pr-stmt", statement.get("customerId").asText());
    assertEquals("EUR", statement.get("currency").asText());
    assertEquals(today, statement.get("to").asText());
    assertEquals(LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1).toString(), statement.get("from").asText());
    assertEquals(1, statement.get("openInvoices").size(), statement.toString());
    JsonNode open = statement.get("openInvoices").get(0);
    assertEquals(bId, open.get("invoiceId").asText());
    assertEquals("50.00", open.get("total").asText());
    assertEquals("20.00", open.get("paid").asText());
    assertEquals("30.00", open.get("balance").asText());
    assertEquals("30.00", statement.get("openInvoicesTotal").asText());
    assertEquals("0.00", statement.get("unappliedCash").asText());
    assertEquals("30.00", statement.get("balance").asText());
    assertEquals(1, statement.get("payments").size());
    JsonNode p = statement.get("payments").get(0);
    assertEquals(paymentId, p.get("paymentId").asText());
    assertEquals("APPLIED", p.get("status").asText());
    assertEquals(today, p.get("receivedOn").asText());
    assertEquals("120.00", p.get("amount").asText());
    assertEquals(2, p.get("allocations").size());
    assertEquals(aId, p.get("allocations").get(0).get("invoiceId").asText());
    assertEquals("100.00", p.get("allocations").get(0).get("amount").asText());
    assertEquals("OLDEST_FIRST", p.get("allocations").get(0).get("rule").asText());
    assertEquals(bId, p.get("allocations").get(1).get("invoiceId").asText());
    assertEquals("20.00", p.get("allocations").get(1).get("amount").asText());

    send(ACME, HttpRequest.DELETE("/v1/payments/" + paymentId + "/allocations/" + bId)).assertStatusCode(200);
    JsonNode after = json(send(ACME, HttpRequest.GET("/v1/customers/pr-stmt/statement")));
    assertEquals("20.00", after.get("unappliedCash").asText());
    assertEquals("50.00", after.get("openInvoicesTotal").asText());
    assertEquals("30.00", after.get("balance").asText(), "50.00 owed less 20.00 unapplied");
    assertEquals("20.00", after.get("payments").get(0).get("unappliedAmount").asText());

    JsonNode earlier = json(send(ACME, HttpRequest.GET("/v1/customers/pr-stmt/statement?from=2020-01-01&to=2020-01-31")));
    assertEquals(0, earlier.get("payments").size(), "no payment in that period");
    assertEquals(1, earlier.get("openInvoices").size(), "open invoices are those open now");
  }

  @Test
  void statement_parameters_are_validated_and_an_unknown_customer_is_404() {
    createCustomer(ACME, "pr-stmt-bad", "EUR", "10000");
    assertEquals("from", field(send(ACME, HttpRequest.GET("/v1/customers/pr-stmt-bad/statement?from=2026-03-02&to=2026-03-01"))));
    assertEquals("to", field(send(ACME, HttpRequest.GET("/v1/customers/pr-stmt-bad/statement?to=March"))));
    problem(send(ACME, HttpRequest.GET("/v1/customers/pr-stmt-nobody/statement")), 404, "not-found");
  }

  // --- Batch -------------------------------------------------------------------------------------

  @Test
  void get_on_the_batch_path_is_405_not_an_unknown_payment() {
    var result = send(ACME, HttpRequest.GET("/v1/payments/batch"));
    problem(result, 405, "method-not-allowed");
    result.assertHeaderExists("Allow", "POST");
  }

  @Test
  void a_json_batch_answers_each_payment_in_request_order() throws Exception {
    createCustomer(ACME, "pr-batch", "EUR", "10000");
    String invoiceId = invoice("pr-batch", "40.00").get("invoiceId").asText();
    String batch = "[" + String.join(",",
        "{\"idempotencyKey\":\"pr-batch-1\",\"customerId\":\"pr-batch\",\"amount\":\"40.00\",\"currency\":\"EUR\"}",
        "{\"idempotencyKey\":\"pr-batch-2\",\"customerId\":\"pr-batch\",\"amount\":\"0\",\"currency\":\"EUR\"}",
        "{\"amount\":\"15.00\",\"currency\":\"EUR\",\"remittanceInfo\":\"batch unknown payer\"}",
        "{\"customerId\":\"pr-batch-nobody\",\"amount\":\"5.00\",\"currency\":\"EUR\"}",
        "{\"amount\":\"5.00\",\"currency\":\"EUR\",\"colour\":\"red\"}") + "]";

    var result = send(ACME, post("/v1/payments/batch", batch));

    result.assertStatusCode(200);
    result.assertContentType(ContentTypes.APPLICATION_JSON);
    JsonNode items = json(result);
    assertEquals(5, items.size());
    assertEquals(List.of("0", "1", "2", "3", "4"), items.findValuesAsText("index"));
    assertEquals(201, items.get(0).get("status").asInt());
    assertEquals("pr-batch-1", items.get(0).get("idempotencyKey").asText());
    assertEquals("APPLIED", items.get(0).get("payment").get("status").asText());
    assertEquals(400, items.get(1).get("status").asInt());
    assertEquals("pr-batch-2", items.get(1).get("idempotencyKey").asText());
    assertEquals("urn:o2c:problem:validation", items.get(1).get("problem").get("type").asText());
    assertEquals("amount", items.get(1).get("problem").get("errors").get(0).get("field").asText());
    assertEquals(201, items.get(2).get("status").asInt());
    assertEquals("UNAPPLIED", items.get(2).get("payment").get("status").asText());
    assertEquals(422, items.get(3).get("status").asInt());
    assertEquals("urn:o2c:problem:unprocessable", items.get(3).get("problem").get("type").asText());
    assertEquals(400, items.get(4).get("status").asInt());
    assertEquals("colour", items.get(4).get("problem").get("errors").get(0).get("field").asText());

    assertEquals("PAID", getInvoice(invoiceId).get("status").asText());
    for (int i : new int[] {0, 2}) {
      send(ACME, HttpRequest.GET("/v1/payments/" + items.get(i).get("payment").get("paymentId").asText())).assertStatusCode(200);
    }

    JsonNode again = json(send(ACME, post("/v1/payments/batch", "[" + batch.substring(1, batch.indexOf("},{") + 1) + "]")));
    assertEquals(201, again.get(0).get("status").asInt());
    assertTrue(again.get(0).get("replayed").asBoolean());
    assertEquals(items.get(0).get("payment").get("paymentId"), again.get(0).get("payment").get("paymentId"));
    assertEquals("40.00", getInvoice(invoiceId).get("amountPaid").asText(), "paid once");
  }

  @Test
  void an_ndjson_batch_is_answered_in_ndjson_with_unreadable_lines_and_duplicates_of_earlier_batches() throws Exception {
    createCustomer(ACME, "pr-ndjson", "EUR", "10000");
    String line = "{\"customerId\":\"pr-ndjson\",\"amount\":\"11.00\",\"currency\":\"EUR\",\"bankReference\":\"BR-ND-1\"}";
    String lines = String.join("\n",
        line,
        "{not json",
        "",
        "{\"customerId\":\"pr-ndjson\",\"amount\":\"12.345\",\"currency\":\"EUR\"}",
        "{\"customerId\":\"pr-ndjson\",\"amount\":\"2.00\",\"currency\":\"EUR\"}") + "\n";

    var result = ndjsonBatch(lines);

    result.assertStatusCode(200);
    result.assertContentType(BatchIntake.NDJSON);
    List<JsonNode> out = ndjson(result);
    assertEquals(4, out.size(), out.toString());
    assertEquals(List.of(0, 1, 2, 3), out.stream().map(n -> n.get("index").asInt()).toList());
    assertEquals(List.of(201, 400, 400, 201), out.stream().map(n -> n.get("status").asInt()).toList());
    assertEquals("urn:o2c:problem:malformed-json", out.get(1).get("problem").get("type").asText());
    assertEquals("amount", out.get(2).get("problem").get("errors").get(0).get("field").asText());
    assertEquals("11.00", out.get(0).get("payment").get("amount").asText());
    assertEquals("13.00", customer("pr-ndjson").get("unappliedCash").asText());

    String otherLine = line.replace("}", ",\"remittanceInfo\":\"imported again\"}");
    List<JsonNode> again = ndjson(ndjsonBatch(line + "\n" + otherLine + "\n"));

    assertEquals(2, again.size());
    assertEquals(201, again.get(0).get("status").asInt(), "the same line again is a replay");
    assertTrue(again.get(0).get("replayed").asBoolean());
    assertEquals(200, again.get(1).get("status").asInt(), "another line with the bank reference is a duplicate");
    assertTrue(again.get(1).get("duplicate").asBoolean());
    assertEquals(out.get(0).get("payment").get("paymentId"), again.get(0).get("payment").get("paymentId"));
    assertEquals(out.get(0).get("payment").get("paymentId"), again.get(1).get("payment").get("paymentId"));
    assertEquals("13.00", customer("pr-ndjson").get("unappliedCash").asText(), "the duplicate took nothing");
  }

  /**
   * Two identical lines of one batch (no Idempotency-Key) are taken at the same time: the second
   * waits for the first and is answered as its replay. The money is taken once.
   */
  @Test
  void the_same_bank_reference_twice_in_one_batch_is_taken_once() {
    createCustomer(ACME, "pr-batch-dup", "EUR", "10000");
    String line = "{\"customerId\":\"pr-batch-dup\",\"amount\":\"11.00\",\"currency\":\"EUR\",\"bankReference\":\"BR-ND-DUP\"}";

    List<JsonNode> out = ndjson(ndjsonBatch(line + "\n" + line + "\n"));

    assertEquals(2, out.size());
    assertEquals(List.of(201, 201), out.stream().map(n -> n.get("status").asInt()).toList(), out.toString());
    assertEquals(1, out.stream().filter(n -> n.path("replayed").asBoolean()).count(), out.toString());
    assertEquals(out.get(0).get("payment").get("paymentId"), out.get(1).get("payment").get("paymentId"));
    assertEquals("11.00", customer("pr-batch-dup").get("unappliedCash").asText(), "taken once");
  }

  @Test
  void a_batch_with_an_idempotency_key_header_or_of_another_type_is_refused() {
    problem(send(ACME, post("/v1/payments/batch", "[]").addHeader(RawHeader.create("Idempotency-Key", "k"))), 400, "validation");
    problem(send(ACME, HttpRequest.POST("/v1/payments/batch")
        .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, "{}"))), 415, "unsupported-media-type");
    problem(send(ACME, post("/v1/payments/batch", "{\"amount\":\"1.00\",\"currency\":\"EUR\"}")), 400, "validation");
  }

  // --- Helpers -----------------------------------------------------------------------------------

  private TestRouteResult pay(String idempotencyKey, String body) {
    HttpRequest request = post("/v1/payments", body);
    if (idempotencyKey != null) {
      request = request.addHeader(RawHeader.create("Idempotency-Key", idempotencyKey));
    }
    return send(ACME, request);
  }

  private TestRouteResult ndjsonBatch(String lines) {
    return send(ACME, HttpRequest.POST("/v1/payments/batch").withEntity(HttpEntities.create(BatchIntake.NDJSON, ByteString.fromString(lines))));
  }

  private static List<JsonNode> ndjson(TestRouteResult result) {
    List<JsonNode> out = new ArrayList<>();
    for (String line : result.entityString().lines().toList()) {
      try {
        out.add(Json.RESPONSES.readTree(line));
      } catch (java.io.IOException e) {
        throw new AssertionError(line, e);
      }
    }
    return out;
  }

  private TestRouteResult allocate(String paymentId, String body) {
    return send(ACME, post("/v1/payments/" + paymentId + "/allocations", body));
  }

  private TestRouteResult refund(String customerId, String idempotencyKey, String body) {
    HttpRequest request = post("/v1/customers/" + customerId + "/refunds", body);
    if (idempotencyKey != null) {
      request = request.addHeader(RawHeader.create("Idempotency-Key", idempotencyKey));
    }
    return send(ACME, request);
  }

  /** An allocations body of invoice id, amount pairs. */
  private static String allocations(String... idsAndAmounts) {
    List<String> items = new ArrayList<>();
    for (int i = 0; i < idsAndAmounts.length; i += 2) {
      items.add("{\"invoiceId\":\"" + idsAndAmounts[i] + "\",\"amount\":\"" + idsAndAmounts[i + 1] + "\"}");
    }
    return "{\"allocations\":[" + String.join(",", items) + "]}";
  }

  /** The field of a 400 validation problem's first error. */
  private static String field(TestRouteResult result) {
    return problem(result, 400, "validation").get("errors").get(0).get("field").asText();
  }

  private JsonNode getInvoice(String invoiceId) {
    var result = send(ACME, HttpRequest.GET("/v1/invoices/" + invoiceId));
    result.assertStatusCode(200);
    return json(result);
  }

  private JsonNode customer(String customerId) {
    var result = send(ACME, HttpRequest.GET("/v1/customers/" + customerId));
    result.assertStatusCode(200);
    return json(result);
  }

  /** A verified order of one line (no tax) for the customer, invoiced with its verification; the invoice as the API shows it. */
  private JsonNode invoice(String customerId, String amount) throws Exception {
    return invoice(customerId, amount, null);
  }

  private JsonNode invoice(String customerId, String amount, String externalReference) throws Exception {
    Map<String, Object> order = new LinkedHashMap<>();
    order.put("customerId", customerId);
    order.put("currency", "EUR");
    order.put("lines", List.of(Map.of("sku", "W", "quantity", 1, "unitPrice", amount)));
    if (externalReference != null) {
      order.put("externalReference", externalReference);
    }
    JsonNode placed = placeOrder(ACME, null, Json.RESPONSES.writeValueAsString(order));
    assertEquals("VERIFIED", placed.get("status").asText(), placed.toString());
    return invoiceOrder(placed.get("orderId").asText());
  }

  /** The invoice of a placed order (issued by its customer's account with the order's verification), as the API shows it. */
  private JsonNode invoiceOrder(String orderId) {
    return getInvoice(InvoiceIds.forOrder(orderId));
  }

  /** What the payments projection does on an event of the payment: heal it and index it. */
  private void projectPayment(String paymentId) throws Exception {
    new PaymentsProjection(typedSystem(), stores.payments(), TIMEOUT)
        .process(EventEnvelope.create(Offset.noOffset(), "Payment|acme:" + paymentId, 1L, (Payment.Event) null, 0L))
        .toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  /** The payment as the API shows it once {@code until} holds of it (attribution happens after the answer, off the request). */
  private JsonNode paymentOnce(String paymentId, Predicate<JsonNode> until) {
    var probe = TestProbe.<Void>create(typedSystem());
    return probe.awaitAssert(Duration.ofSeconds(10), () -> {
      JsonNode payment = json(send(ACME, HttpRequest.GET("/v1/payments/" + paymentId)));
      assertTrue(until.test(payment), payment.toString());
      return payment;
    });
  }

  private static List<String> invoiceIds(JsonNode payment) {
    return payment.get("allocations").findValuesAsText("invoiceId");
  }

  private static List<String> rules(JsonNode payment) {
    return payment.get("allocations").findValuesAsText("rule");
  }

  private static List<String> paymentIds(JsonNode payments) {
    return payments.findValuesAsText("paymentId");
  }

  private static JsonNode find(JsonNode payments, String paymentId) {
    for (JsonNode p : payments) {
      if (p.get("paymentId").asText().equals(paymentId)) {
        return p;
      }
    }
    throw new AssertionError("no payment " + paymentId + " in " + payments);
  }
}
