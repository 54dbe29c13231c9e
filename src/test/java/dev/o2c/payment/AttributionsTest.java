package dev.o2c.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.o2c.payment.Attributions.Hit;
import dev.o2c.payment.Attributions.Outcome;
import dev.o2c.payment.Attributions.Rank;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Whose payment it is, from what its tokens name: invoice numbers and order ids (PRIMARY) outrank
 * orders' external references (EXTERNAL); within the rank that decides, one customer attributes
 * the payment, more than one attributes nothing and names them as candidates.
 */
class AttributionsTest {

  private static Hit primary(String token, String customerId) {
    return new Hit(token, customerId, Rank.PRIMARY);
  }

  private static Hit external(String token, String customerId) {
    return new Hit(token, customerId, Rank.EXTERNAL);
  }

  private static Attribution reference(String token) {
    return new Attribution(Attribution.Method.REFERENCE, token);
  }

  private static Attribution ambiguous(String tokens, String... candidates) {
    return new Attribution(Attribution.Method.AMBIGUOUS_REFERENCE, tokens, List.of(candidates));
  }

  @Test
  void an_invoice_number_of_one_customer_attributes_the_payment_to_that_customer() {
    Outcome outcome = Attributions.decide(List.of(primary("inv-2026-000007", "cust-a")));

    assertEquals(new Outcome("cust-a", reference("inv-2026-000007")), outcome);
    assertEquals(List.of(), outcome.attribution().candidates());
  }

  @Test
  void an_order_id_outranks_an_external_reference_of_another_customer() {
    Outcome outcome = Attributions.decide(List.of(external("po-4711", "cust-b"), primary("ord_k3v9", "cust-a")));

    assertEquals(new Outcome("cust-a", reference("ord_k3v9")), outcome);
  }

  @Test
  void one_external_reference_of_two_customers_is_ambiguous_with_both_candidates() {
    Outcome outcome = Attributions.decide(List.of(external("po-1", "cust-a"), external("po-1", "cust-b")));

    assertNull(outcome.customerId());
    assertEquals(ambiguous("po-1", "cust-a", "cust-b"), outcome.attribution());
  }

  @Test
  void an_invoice_number_of_one_customer_outranks_an_external_reference_of_another() {
    Outcome outcome = Attributions.decide(List.of(primary("inv-2026-000001", "cust-a"), external("po-9", "cust-b")));

    assertEquals(new Outcome("cust-a", reference("inv-2026-000001")), outcome);
  }

  @Test
  void an_invoice_number_decides_even_when_the_external_references_are_ambiguous() {
    Outcome outcome = Attributions.decide(List.of(
        external("po-1", "cust-a"), external("po-1", "cust-b"), primary("inv-2026-000002", "cust-b")));

    assertEquals(new Outcome("cust-b", reference("inv-2026-000002")), outcome);
  }

  @Test
  void two_invoice_numbers_of_two_customers_are_ambiguous_with_both_tokens_and_candidates() {
    Outcome outcome = Attributions.decide(List.of(primary("inv-2026-000001", "cust-a"), primary("inv-2026-000002", "cust-b")));

    assertNull(outcome.customerId());
    assertEquals(ambiguous("inv-2026-000001 inv-2026-000002", "cust-a", "cust-b"), outcome.attribution());
  }

  @Test
  void an_ambiguous_primary_rank_is_not_settled_by_a_single_external_reference() {
    Outcome outcome = Attributions.decide(List.of(
        primary("inv-2026-000001", "cust-a"), primary("ord_x", "cust-b"), external("po-7", "cust-a")));

    assertNull(outcome.customerId());
    assertEquals(ambiguous("inv-2026-000001 ord_x", "cust-a", "cust-b"), outcome.attribution());
  }

  @Test
  void several_tokens_of_the_same_customer_attribute_it_by_the_first() {
    Outcome outcome = Attributions.decide(List.of(
        primary("inv-2026-000003", "cust-a"), primary("ord_y", "cust-a"), external("po-2", "cust-a")));

    assertEquals(new Outcome("cust-a", reference("inv-2026-000003")), outcome);
  }

  @Test
  void one_external_reference_on_two_invoices_of_the_same_customer_is_not_ambiguous() {
    Outcome outcome = Attributions.decide(List.of(external("po-3", "cust-a"), external("po-3", "cust-a")));

    assertEquals(new Outcome("cust-a", reference("po-3")), outcome);
  }

  @Test
  void no_hits_attribute_nothing() {
    Outcome outcome = Attributions.decide(List.of());

    assertNull(outcome.customerId());
    assertEquals(Attribution.NONE, outcome.attribution());
    assertEquals(Attribution.Method.NONE, outcome.attribution().method());
    assertEquals(List.of(), outcome.attribution().candidates());
  }
}
