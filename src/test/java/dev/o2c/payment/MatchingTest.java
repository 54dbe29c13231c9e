package dev.o2c.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.o2c.payment.Matching.OpenInvoice;
import dev.o2c.payment.Matching.Result;
import dev.o2c.payment.Matching.Tolerance;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Cash application without actors: the worked examples of the domain notes, then every rule
 * (REFERENCE, EXACT_AMOUNT, EXACT_SUM, OLDEST_FIRST, TOLERANCE, UNAPPLIED), its tie-breaks and
 * edges. Allocations are compared as "number amount rule", the amount as written (so its scale is
 * checked too).
 */
class MatchingTest {

  private static final LocalDate ISSUED = LocalDate.parse("2026-02-01");
  private static final LocalDate MAR_1 = LocalDate.parse("2026-03-01");
  private static final LocalDate MAR_5 = LocalDate.parse("2026-03-05");
  private static final LocalDate MAR_9 = LocalDate.parse("2026-03-09");

  /** The worked example's open invoices of customer C: A 100.00 due 1 Mar, B 250.00 due 5 Mar, D 40.00 due 9 Mar. */
  private static final OpenInvoice A = invoice("inv_a", "INV-2026-000101", "100.00", MAR_1);
  private static final OpenInvoice B = invoice("inv_b", "INV-2026-000102", "250.00", MAR_5);
  private static final OpenInvoice D = invoice("inv_d", "INV-2026-000104", "40.00", MAR_9);
  private static final List<OpenInvoice> EXAMPLE = List.of(A, B, D);

  private static final Tolerance ONE_EURO = new Tolerance(new BigDecimal("1.00"), null);

  // --- The worked examples of domain.md -----------------------------------------------------------

  @Test
  void a_payment_of_250_without_text_pays_B_by_exact_amount() {
    var r = Matching.match(EXAMPLE, eur("250.00"), 2, null, null, Tolerance.NONE);

    assertAllocations(r, "INV-2026-000102 250.00 EXACT_AMOUNT");
    assertNoWriteOffs(r);
    assertMoney("0.00", r.unapplied());
  }

  @Test
  void a_payment_of_140_without_text_pays_A_and_D_by_exact_sum() {
    var r = Matching.match(EXAMPLE, eur("140.00"), 2, null, null, Tolerance.NONE);

    assertAllocations(r, "INV-2026-000101 100.00 EXACT_SUM", "INV-2026-000104 40.00 EXACT_SUM");
    assertNoWriteOffs(r);
    assertMoney("0.00", r.unapplied());
  }

  @Test
  void a_payment_of_120_naming_B_pays_120_to_B_by_reference() {
    var r = Matching.match(EXAMPLE, eur("120.00"), 2, "pay inv " + B.invoiceNumber() + " for B", null, ONE_EURO);

    assertAllocations(r, "INV-2026-000102 120.00 REFERENCE");
    assertEquals(B.invoiceNumber(), r.allocations().get(0).token(), "the token that matched");
    assertEquals("inv_b", r.allocations().get(0).invoiceId());
    assertNoWriteOffs(r); // 130.00 left on B is far above the tolerance
    assertMoney("0.00", r.unapplied());
  }

  @Test
  void a_payment_of_99_50_naming_A_with_a_tolerance_of_1_pays_A_and_writes_off_the_50_cents() {
    var r = Matching.match(EXAMPLE, eur("99.50"), 2, "invoice " + A.invoiceNumber(), null, ONE_EURO);

    assertAllocations(r, "INV-2026-000101 99.50 REFERENCE");
    assertWriteOffs(r, "INV-2026-000101 0.50 TOLERANCE");
    assertEquals("inv_a", r.writeOffs().get(0).invoiceId());
    assertMoney("0.00", r.unapplied());
  }

  @Test
  void a_payment_of_500_without_text_pays_all_oldest_first_and_leaves_110_unapplied() {
    var r = Matching.match(EXAMPLE, eur("500.00"), 2, null, null, ONE_EURO);

    assertAllocations(r, "INV-2026-000101 100.00 OLDEST_FIRST", "INV-2026-000102 250.00 OLDEST_FIRST",
        "INV-2026-000104 40.00 OLDEST_FIRST");
    assertNoWriteOffs(r);
    assertMoney("110.00", r.unapplied());
  }

  // --- Tokens ------------------------------------------------------------------------------------

  @Test
  void whitespace_and_punctuation_split_but_hyphen_and_underscore_do_not() {
    var tokens = Matching.tokens("Pay\tINV-2026-000101/ord_7,PO-9;x:y.\n(z) #INV_1 \"q\" [r]! ¿s? a–b", null);

    assertEquals(List.of("Pay", "INV-2026-000101", "ord_7", "PO-9", "x", "y", "z", "INV_1", "q", "r", "s", "a", "b"), tokens);
  }

  @Test
  void the_bank_reference_tokens_come_after_the_remittance_tokens_and_null_or_blank_text_has_none() {
    assertEquals(List.of("first", "second", "BANK-1", "x"), Matching.tokens("first second", "BANK-1 x"));
    assertEquals(List.of("BANK-1"), Matching.tokens(null, "BANK-1"));
    assertEquals(List.of(), Matching.tokens(null, null));
    assertEquals(List.of(), Matching.tokens("  ,.; ", "\t"));
  }

  @Test
  void tokens_are_kept_as_written() {
    assertEquals(List.of("Inv-2026-000101", "ABC"), Matching.tokens("  Inv-2026-000101  ABC ", null));
  }

  // --- REFERENCE ----------------------------------------------------------------------------------

  @Test
  void a_token_equal_to_the_invoice_number_selects_it_whatever_the_case() {
    var r = Matching.match(EXAMPLE, eur("30.00"), 2, "re: inv-2026-000104.", null, Tolerance.NONE);

    assertAllocations(r, "INV-2026-000104 30.00 REFERENCE");
    assertEquals("inv-2026-000104", r.allocations().get(0).token(), "the token as written");
  }

  @Test
  void a_token_equal_to_the_order_id_selects_the_invoice() {
    var r = Matching.match(EXAMPLE, eur("30.00"), 2, "order ORD_B", null, Tolerance.NONE);

    assertAllocations(r, "INV-2026-000102 30.00 REFERENCE");
  }

  @Test
  void a_token_equal_to_the_orders_external_reference_selects_the_invoice() {
    var r = Matching.match(EXAMPLE, eur("30.00"), 2, "your PO: po-a-1", null, Tolerance.NONE);

    assertAllocations(r, "INV-2026-000101 30.00 REFERENCE");
    assertEquals("po-a-1", r.allocations().get(0).token());
  }

  @Test
  void a_part_of_a_number_or_a_number_with_more_characters_selects_nothing() {
    var r = Matching.match(EXAMPLE, eur("30.00"), 2, "2026-000102 INV-2026-00010 INV-2026-0001021 INV-2026-000102X", null,
        Tolerance.NONE);

    assertAllocations(r, "INV-2026-000101 30.00 OLDEST_FIRST");
  }

  @Test
  void the_bank_reference_alone_can_select_an_invoice() {
    var r = Matching.match(EXAMPLE, eur("30.00"), 2, null, "INV-2026-000104", Tolerance.NONE);

    assertAllocations(r, "INV-2026-000104 30.00 REFERENCE");
  }

  @Test
  void several_referenced_invoices_are_paid_in_the_order_of_their_tokens_each_up_to_its_balance() {
    var r = Matching.match(EXAMPLE, eur("300.00"), 2, "INV-2026-000104 and INV-2026-000102 and INV-2026-000101", null,
        Tolerance.NONE);

    // D first (40.00 of 40.00), then B (250.00 of 250.00), then A gets the 10.00 left.
    assertAllocations(r, "INV-2026-000104 40.00 REFERENCE", "INV-2026-000102 250.00 REFERENCE", "INV-2026-000101 10.00 REFERENCE");
    assertMoney("0.00", r.unapplied());
  }

  @Test
  void remittance_tokens_come_before_bank_reference_tokens() {
    var r = Matching.match(EXAMPLE, eur("260.00"), 2, "INV-2026-000102", "INV-2026-000101", Tolerance.NONE);

    assertAllocations(r, "INV-2026-000102 250.00 REFERENCE", "INV-2026-000101 10.00 REFERENCE");
  }

  @Test
  void a_repeated_token_pays_its_invoice_once_and_the_rest_goes_to_the_later_rules() {
    var r = Matching.match(EXAMPLE, eur("140.00"), 2, "INV-2026-000101 INV-2026-000101 inv-2026-000101", null, Tolerance.NONE);

    // A takes 100.00 once; the 40.00 left is D's balance exactly.
    assertAllocations(r, "INV-2026-000101 100.00 REFERENCE", "INV-2026-000104 40.00 EXACT_AMOUNT");
  }

  @Test
  void an_invoice_named_by_number_and_by_order_id_is_paid_once() {
    var r = Matching.match(EXAMPLE, eur("150.00"), 2, "INV-2026-000101 ord_a po-a-1", null, Tolerance.NONE);

    assertAllocations(r, "INV-2026-000101 100.00 REFERENCE", "INV-2026-000102 50.00 OLDEST_FIRST");
    assertEquals("INV-2026-000101", r.allocations().get(0).token());
  }

  @Test
  void one_token_naming_two_invoices_pays_them_oldest_first() {
    // X's number is Y's external reference.
    var x = new OpenInvoice("inv_x", "SHARED-1", "ord_x", null, eur("20.00"), eur("20.00"), MAR_9, ISSUED);
    var y = new OpenInvoice("inv_y", "INV-2026-000200", "ord_y", "SHARED-1", eur("30.00"), eur("30.00"), MAR_1, ISSUED);

    var r = Matching.match(List.of(x, y), eur("40.00"), 2, "shared-1", null, Tolerance.NONE);

    assertAllocations(r, "INV-2026-000200 30.00 REFERENCE", "SHARED-1 10.00 REFERENCE");
  }

  @Test
  void the_rules_after_reference_work_on_what_remains() {
    var r = Matching.match(EXAMPLE, eur("300.00"), 2, "for INV-2026-000102", null, Tolerance.NONE);

    // 50.00 left: no balance of 50.00, no set making it; A (due first) takes it.
    assertAllocations(r, "INV-2026-000102 250.00 REFERENCE", "INV-2026-000101 50.00 OLDEST_FIRST");
    assertMoney("0.00", r.unapplied());
  }

  @Test
  void text_naming_no_open_invoice_leaves_the_payment_to_the_other_rules() {
    var r = Matching.match(EXAMPLE, eur("250.00"), 2, "thanks for the great service INV-2026-999999", null, Tolerance.NONE);

    assertAllocations(r, "INV-2026-000102 250.00 EXACT_AMOUNT");
  }

  // --- EXACT_AMOUNT -------------------------------------------------------------------------------

  @Test
  void of_two_equal_balances_the_one_due_first_is_paid() {
    var later = invoice("inv_1", "INV-2026-000001", "75.00", MAR_9);
    var earlier = invoice("inv_2", "INV-2026-000002", "75.00", MAR_5);

    var r = Matching.match(List.of(later, earlier), eur("75.00"), 2, null, null, Tolerance.NONE);

    assertAllocations(r, "INV-2026-000002 75.00 EXACT_AMOUNT");
  }

  @Test
  void with_the_same_due_date_the_one_issued_first_is_paid() {
    var issuedLater = invoice("inv_1", "INV-2026-000001", "75.00", MAR_5, ISSUED.plusDays(3));
    var issuedEarlier = invoice("inv_2", "INV-2026-000002", "75.00", MAR_5, ISSUED.plusDays(1));

    var r = Matching.match(List.of(issuedLater, issuedEarlier), eur("75.00"), 2, null, null, Tolerance.NONE);

    assertAllocations(r, "INV-2026-000002 75.00 EXACT_AMOUNT");
  }

  @Test
  void with_the_same_due_and_issue_dates_the_lowest_number_is_paid() {
    var higher = invoice("inv_1", "INV-2026-000011", "75.00", MAR_5);
    var lower = invoice("inv_2", "INV-2026-000010", "75.00", MAR_5);

    var r = Matching.match(List.of(higher, lower), eur("75.00"), 2, null, null, Tolerance.NONE);

    assertAllocations(r, "INV-2026-000010 75.00 EXACT_AMOUNT");
  }

  @Test
  void exact_amount_comes_before_a_set_of_invoices_due_earlier() {
    var a = invoice("inv_1", "INV-2026-000001", "30.00", MAR_1);
    var b = invoice("inv_2", "INV-2026-000002", "20.00", MAR_1);
    var c = invoice("inv_3", "INV-2026-000003", "50.00", MAR_9);

    var r = Matching.match(List.of(a, b, c), eur("50.00"), 2, null, null, Tolerance.NONE);

    assertAllocations(r, "INV-2026-000003 50.00 EXACT_AMOUNT");
  }

  @Test
  void an_amount_written_with_fewer_decimals_is_matched_at_the_currency_scale() {
    var r = Matching.match(EXAMPLE, new BigDecimal("250"), 2, null, null, Tolerance.NONE);

    assertAllocations(r, "INV-2026-000102 250.00 EXACT_AMOUNT");
    assertEquals(2, r.unapplied().scale());
  }

  // --- EXACT_SUM ----------------------------------------------------------------------------------

  /** Balances 1, 2, 4, 8, 16, 32 (EUR): every sum is made by exactly one set. */
  private static final List<OpenInvoice> POWERS = List.of(
      invoice("inv_1", "INV-2026-000001", "1.00", MAR_1.plusDays(0)),
      invoice("inv_2", "INV-2026-000002", "2.00", MAR_1.plusDays(1)),
      invoice("inv_3", "INV-2026-000003", "4.00", MAR_1.plusDays(2)),
      invoice("inv_4", "INV-2026-000004", "8.00", MAR_1.plusDays(3)),
      invoice("inv_5", "INV-2026-000005", "16.00", MAR_1.plusDays(4)),
      invoice("inv_6", "INV-2026-000006", "32.00", MAR_1.plusDays(5)));

  @Test
  void a_set_of_three_is_found() {
    var r = Matching.match(POWERS, eur("13.00"), 2, null, null, Tolerance.NONE);

    assertAllocations(r, "INV-2026-000001 1.00 EXACT_SUM", "INV-2026-000003 4.00 EXACT_SUM", "INV-2026-000004 8.00 EXACT_SUM");
    assertMoney("0.00", r.unapplied());
  }

  @Test
  void a_set_of_four_is_found() {
    var r = Matching.match(POWERS, eur("43.00"), 2, null, null, Tolerance.NONE);

    assertAllocations(r, "INV-2026-000001 1.00 EXACT_SUM", "INV-2026-000002 2.00 EXACT_SUM", "INV-2026-000004 8.00 EXACT_SUM",
        "INV-2026-000006 32.00 EXACT_SUM");
  }

  @Test
  void a_set_of_five_is_found() {
    var r = Matching.match(POWERS, eur("61.00"), 2, null, null, Tolerance.NONE);

    assertAllocations(r, "INV-2026-000001 1.00 EXACT_SUM", "INV-2026-000003 4.00 EXACT_SUM", "INV-2026-000004 8.00 EXACT_SUM",
        "INV-2026-000005 16.00 EXACT_SUM", "INV-2026-000006 32.00 EXACT_SUM");
  }

  @Test
  void a_set_of_six_is_not_looked_for_and_the_payment_goes_oldest_first() {
    var r = Matching.match(POWERS, eur("63.00"), 2, null, null, Tolerance.NONE);

    assertAllocations(r, "INV-2026-000001 1.00 OLDEST_FIRST", "INV-2026-000002 2.00 OLDEST_FIRST", "INV-2026-000003 4.00 OLDEST_FIRST",
        "INV-2026-000004 8.00 OLDEST_FIRST", "INV-2026-000005 16.00 OLDEST_FIRST", "INV-2026-000006 32.00 OLDEST_FIRST");
  }

  @Test
  void without_an_exact_set_the_payment_goes_oldest_first() {
    var r = Matching.match(EXAMPLE, eur("120.00"), 2, null, null, Tolerance.NONE);

    assertAllocations(r, "INV-2026-000101 100.00 OLDEST_FIRST", "INV-2026-000102 20.00 OLDEST_FIRST");
    assertMoney("0.00", r.unapplied());
  }

  @Test
  void the_smallest_set_wins_over_a_larger_set_of_older_invoices() {
    var list = List.of(
        invoice("inv_1", "INV-2026-000001", "10.00", MAR_1),
        invoice("inv_2", "INV-2026-000002", "20.00", MAR_1.plusDays(1)),
        invoice("inv_3", "INV-2026-000003", "30.00", MAR_1.plusDays(2)),
        invoice("inv_4", "INV-2026-000004", "60.00", MAR_9),
        invoice("inv_5", "INV-2026-000005", "40.00", MAR_9.plusDays(1)));

    // 10 + 30 + 60 and 10 + 20 + 30 + 40 make 100.00 too, with older invoices.
    var r = Matching.match(list, eur("100.00"), 2, null, null, Tolerance.NONE);

    assertAllocations(r, "INV-2026-000004 60.00 EXACT_SUM", "INV-2026-000005 40.00 EXACT_SUM");
  }

  @Test
  void of_two_pairs_the_one_due_first_wins() {
    var list = List.of(
        invoice("inv_3", "INV-2026-000003", "35.00", MAR_9),
        invoice("inv_4", "INV-2026-000004", "15.00", MAR_9.plusDays(1)),
        invoice("inv_1", "INV-2026-000001", "20.00", MAR_1),
        invoice("inv_2", "INV-2026-000002", "30.00", MAR_5));

    var r = Matching.match(list, eur("50.00"), 2, null, null, Tolerance.NONE);

    assertAllocations(r, "INV-2026-000001 20.00 EXACT_SUM", "INV-2026-000002 30.00 EXACT_SUM");
  }

  @Test
  void of_two_pairs_the_one_with_the_oldest_invoice_wins_even_if_its_partner_is_due_last() {
    var list = List.of(
        invoice("inv_1", "INV-2026-000001", "10.00", MAR_1),
        invoice("inv_2", "INV-2026-000002", "20.00", MAR_5),
        invoice("inv_3", "INV-2026-000003", "25.00", MAR_5.plusDays(1)),
        invoice("inv_4", "INV-2026-000004", "35.00", MAR_9));

    var r = Matching.match(list, eur("45.00"), 2, null, null, Tolerance.NONE);

    assertAllocations(r, "INV-2026-000001 10.00 EXACT_SUM", "INV-2026-000004 35.00 EXACT_SUM");
  }

  @Test
  void a_pair_of_equal_balances_is_found() {
    var list = List.of(
        invoice("inv_1", "INV-2026-000001", "25.00", MAR_1),
        invoice("inv_2", "INV-2026-000002", "10.00", MAR_5),
        invoice("inv_3", "INV-2026-000003", "25.00", MAR_9));

    var r = Matching.match(list, eur("50.00"), 2, null, null, Tolerance.NONE);

    assertAllocations(r, "INV-2026-000001 25.00 EXACT_SUM", "INV-2026-000003 25.00 EXACT_SUM");
  }

  @Test
  void of_two_sets_of_three_the_one_due_first_wins() {
    var list = List.of(
        invoice("inv_5", "INV-2026-000005", "3.00", MAR_9.plusDays(2)),
        invoice("inv_4", "INV-2026-000004", "2.00", MAR_9.plusDays(1)),
        invoice("inv_6", "INV-2026-000006", "10.00", MAR_9.plusDays(3)),
        invoice("inv_1", "INV-2026-000001", "1.00", MAR_1),
        invoice("inv_2", "INV-2026-000002", "6.00", MAR_5),
        invoice("inv_3", "INV-2026-000003", "8.00", MAR_9));

    // 15.00: no single invoice, no pair; 1 + 6 + 8 (due first) and 2 + 3 + 10 both make it.
    var r = Matching.match(list, eur("15.00"), 2, null, null, Tolerance.NONE);

    assertAllocations(r, "INV-2026-000001 1.00 EXACT_SUM", "INV-2026-000002 6.00 EXACT_SUM", "INV-2026-000003 8.00 EXACT_SUM");
  }

  @Test
  void the_set_does_not_take_an_invoice_reference_already_paid() {
    var x = invoice("inv_x", "INV-2026-000001", "10.00", MAR_1);
    var y = invoice("inv_y", "INV-2026-000002", "20.00", MAR_1.plusDays(1));
    var z = invoice("inv_z", "INV-2026-000003", "12.00", MAR_5);
    var w = invoice("inv_w", "INV-2026-000004", "18.00", MAR_9);

    // X is paid by reference; 30.00 remains. X's old balance and Y would make it, but X owes nothing now.
    var r = Matching.match(List.of(x, y, z, w), eur("40.00"), 2, "INV-2026-000001", null, Tolerance.NONE);

    assertAllocations(r, "INV-2026-000001 10.00 REFERENCE", "INV-2026-000003 12.00 EXACT_SUM", "INV-2026-000004 18.00 EXACT_SUM");
  }

  @Test
  void a_set_of_three_does_not_take_an_invoice_reference_already_paid() {
    var x = invoice("inv_x", "INV-2026-000100", "5.00", MAR_1.minusDays(1));
    var list = new ArrayList<>(List.of(x));
    list.addAll(POWERS.subList(0, 4)); // 1, 2, 4, 8, due after X

    // X paid by reference, 7.00 remains = 1 + 2 + 4 (X's old 5 + 2 would be a pair).
    var r = Matching.match(list, eur("12.00"), 2, "INV-2026-000100", null, Tolerance.NONE);

    assertAllocations(r, "INV-2026-000100 5.00 REFERENCE", "INV-2026-000001 1.00 EXACT_SUM", "INV-2026-000002 2.00 EXACT_SUM",
        "INV-2026-000003 4.00 EXACT_SUM");
  }

  @Test
  void when_no_set_of_many_candidates_can_make_the_amount_the_rule_does_not_apply() {
    // 200 invoices of even cents cannot make an odd amount: the bounded search finds nothing.
    var list = new ArrayList<OpenInvoice>();
    for (int i = 0; i < 200; i++) {
      list.add(invoice("inv_" + i, String.format("INV-2026-%06d", i), BigDecimal.valueOf(100 + 2 * i, 2).toPlainString(),
          MAR_1.plusDays(i)));
    }

    var r = Matching.match(list, eur("5.01"), 2, null, null, Tolerance.NONE);

    assertTrue(r.allocations().stream().allMatch(a -> a.rule() == Rule.OLDEST_FIRST), () -> "oldest first: " + r.allocations());
    assertEquals(List.of("INV-2026-000000", "INV-2026-000001", "INV-2026-000002", "INV-2026-000003", "INV-2026-000004"),
        r.allocations().stream().map(Allocation::invoiceNumber).toList());
    assertMoney("5.01", sum(r.allocations()));
  }

  // --- OLDEST_FIRST -------------------------------------------------------------------------------

  @Test
  void invoices_are_paid_by_due_date_then_issue_date_then_number_and_the_last_one_in_part() {
    var list = List.of(
        invoice("inv_5", "INV-2026-000005", "10.00", MAR_9),
        invoice("inv_4", "INV-2026-000004", "10.00", MAR_5, ISSUED.plusDays(2)),
        invoice("inv_3", "INV-2026-000003", "10.00", MAR_5, ISSUED.plusDays(1)),
        invoice("inv_2", "INV-2026-000002", "10.00", MAR_1),
        invoice("inv_1", "INV-2026-000001", "10.00", MAR_1));

    // 33.33: no exact amount, no set (balances are all 10.00).
    var r = Matching.match(list, eur("33.33"), 2, null, null, ONE_EURO);

    assertAllocations(r, "INV-2026-000001 10.00 OLDEST_FIRST", "INV-2026-000002 10.00 OLDEST_FIRST",
        "INV-2026-000003 10.00 OLDEST_FIRST", "INV-2026-000004 3.33 OLDEST_FIRST");
    assertNoWriteOffs(r);
    assertMoney("0.00", r.unapplied());
  }

  @Test
  void an_invoice_without_a_balance_is_not_paid() {
    var settled = new OpenInvoice("inv_0", "INV-2026-000000", "ord_0", null, eur("10.00"), eur("0.00"), LocalDate.parse("2026-01-01"),
        ISSUED);
    var list = new ArrayList<>(EXAMPLE);
    list.add(settled);

    var r = Matching.match(list, eur("500.00"), 2, "INV-2026-000000", null, Tolerance.NONE);

    assertAllocations(r, "INV-2026-000101 100.00 OLDEST_FIRST", "INV-2026-000102 250.00 OLDEST_FIRST",
        "INV-2026-000104 40.00 OLDEST_FIRST");
    assertMoney("110.00", r.unapplied());
  }

  // --- TOLERANCE ----------------------------------------------------------------------------------

  @Test
  void a_balance_exactly_at_the_absolute_tolerance_is_written_off() {
    var r = Matching.match(EXAMPLE, eur("99.00"), 2, "INV-2026-000101", null, ONE_EURO);

    assertAllocations(r, "INV-2026-000101 99.00 REFERENCE");
    assertWriteOffs(r, "INV-2026-000101 1.00 TOLERANCE");
  }

  @Test
  void a_balance_one_cent_above_the_absolute_tolerance_is_not_written_off() {
    var r = Matching.match(EXAMPLE, eur("98.99"), 2, "INV-2026-000101", null, ONE_EURO);

    assertAllocations(r, "INV-2026-000101 98.99 REFERENCE");
    assertNoWriteOffs(r);
    assertMoney("0.00", r.unapplied());
  }

  @Test
  void with_a_percent_tolerance_too_the_balance_must_be_within_both() {
    var fifty = invoice("inv_1", "INV-2026-000001", "50.00", MAR_1);
    var onePercent = new Tolerance(new BigDecimal("1.00"), new BigDecimal("1"));

    // 1 % of 50.00 is 0.50: 0.50 left is within both limits, 0.51 only within the absolute one.
    var atPercent = Matching.match(List.of(fifty), eur("49.50"), 2, "INV-2026-000001", null, onePercent);
    var abovePercent = Matching.match(List.of(fifty), eur("49.49"), 2, "INV-2026-000001", null, onePercent);

    assertWriteOffs(atPercent, "INV-2026-000001 0.50 TOLERANCE");
    assertNoWriteOffs(abovePercent);
  }

  @Test
  void a_generous_percent_does_not_lift_the_absolute_limit() {
    var tenPercent = new Tolerance(new BigDecimal("1.00"), new BigDecimal("10"));

    var r = Matching.match(EXAMPLE, eur("98.50"), 2, "INV-2026-000101", null, tenPercent);

    assertNoWriteOffs(r); // 1.50 is within 10 % of 100.00 but above 1.00
  }

  @Test
  void the_percent_is_of_the_invoice_total_not_of_its_balance() {
    // Total 200.00, 100.00 of it paid before: 1 % of the total is 2.00.
    var partlyPaid = new OpenInvoice("inv_1", "INV-2026-000001", "ord_1", null, eur("200.00"), eur("100.00"), MAR_1, ISSUED);
    var tolerance = new Tolerance(new BigDecimal("5.00"), new BigDecimal("1"));

    var r = Matching.match(List.of(partlyPaid), eur("98.00"), 2, "INV-2026-000001", null, tolerance);

    assertWriteOffs(r, "INV-2026-000001 2.00 TOLERANCE");
  }

  @Test
  void without_a_tolerance_nothing_is_written_off() {
    var none = Matching.match(EXAMPLE, eur("99.99"), 2, "INV-2026-000101", null, Tolerance.NONE);
    var percentOnly = Matching.match(EXAMPLE, eur("99.99"), 2, "INV-2026-000101", null, new Tolerance(null, new BigDecimal("5")));

    assertAllocations(none, "INV-2026-000101 99.99 REFERENCE");
    assertNoWriteOffs(none);
    assertNoWriteOffs(percentOnly);
  }

  @Test
  void an_invoice_paid_oldest_first_is_never_written_off() {
    var r = Matching.match(EXAMPLE, eur("99.99"), 2, null, null, new Tolerance(new BigDecimal("100.00"), null));

    assertAllocations(r, "INV-2026-000101 99.99 OLDEST_FIRST");
    assertNoWriteOffs(r);
  }

  @Test
  void the_oldest_first_part_after_a_reference_is_never_written_off() {
    // B by reference, the 50.00 left goes to A oldest first; A's 50.00 left is within this tolerance but A was not chosen.
    var r = Matching.match(EXAMPLE, eur("300.00"), 2, "INV-2026-000102", null, new Tolerance(new BigDecimal("60.00"), null));

    assertAllocations(r, "INV-2026-000102 250.00 REFERENCE", "INV-2026-000101 50.00 OLDEST_FIRST");
    assertNoWriteOffs(r);
  }

  @Test
  void the_last_of_several_referenced_invoices_can_be_written_off() {
    var r = Matching.match(EXAMPLE, eur("349.50"), 2, "INV-2026-000101 INV-2026-000102", null, ONE_EURO);

    assertAllocations(r, "INV-2026-000101 100.00 REFERENCE", "INV-2026-000102 249.50 REFERENCE");
    assertWriteOffs(r, "INV-2026-000102 0.50 TOLERANCE");
  }

  @Test
  void a_named_invoice_the_payment_did_not_reach_is_not_written_off() {
    var small = invoice("inv_s", "INV-2026-000009", "0.30", MAR_9);
    var list = new ArrayList<>(EXAMPLE);
    list.add(small);

    var r = Matching.match(list, eur("100.00"), 2, "INV-2026-000101 INV-2026-000009", null, ONE_EURO);

    assertAllocations(r, "INV-2026-000101 100.00 REFERENCE");
    assertNoWriteOffs(r);
  }

  // --- UNAPPLIED, currencies, edges ----------------------------------------------------------------

  @Test
  void an_overpayment_of_the_only_invoice_leaves_the_rest_unapplied() {
    var r = Matching.match(List.of(A), eur("130.00"), 2, null, null, ONE_EURO);

    assertAllocations(r, "INV-2026-000101 100.00 OLDEST_FIRST");
    assertMoney("30.00", r.unapplied());
    assertEquals(2, r.unapplied().scale());
  }

  @Test
  void an_overpayment_of_a_referenced_invoice_leaves_the_rest_unapplied() {
    var r = Matching.match(List.of(A), eur("130.00"), 2, "INV-2026-000101", null, ONE_EURO);

    assertAllocations(r, "INV-2026-000101 100.00 REFERENCE");
    assertNoWriteOffs(r);
    assertMoney("30.00", r.unapplied());
  }

  @Test
  void without_open_invoices_everything_is_unapplied() {
    var r = Matching.match(List.of(), eur("42.10"), 2, "INV-2026-000101", "BANK-1", ONE_EURO);

    assertAllocations(r);
    assertNoWriteOffs(r);
    assertMoney("42.10", r.unapplied());
    assertEquals("42.10", r.unapplied().toPlainString());
  }

  @Test
  void yen_amounts_have_no_decimals() {
    var list = List.of(
        invoice("inv_1", "INV-2026-000001", "1000", MAR_1),
        invoice("inv_2", "INV-2026-000002", "2500", MAR_5),
        invoice("inv_3", "INV-2026-000003", "400", MAR_9));

    var sum = Matching.match(list, new BigDecimal("1400"), 0, null, null, Tolerance.NONE);
    var written = Matching.match(list, new BigDecimal("990"), 0, "INV-2026-000001", null, new Tolerance(new BigDecimal("10"), null));
    var over = Matching.match(list, new BigDecimal("4001"), 0, null, null, Tolerance.NONE);

    assertAllocations(sum, "INV-2026-000001 1000 EXACT_SUM", "INV-2026-000003 400 EXACT_SUM");
    assertAllocations(written, "INV-2026-000001 990 REFERENCE");
    assertWriteOffs(written, "INV-2026-000001 10 TOLERANCE");
    assertAllocations(over, "INV-2026-000001 1000 OLDEST_FIRST", "INV-2026-000002 2500 OLDEST_FIRST", "INV-2026-000003 400 OLDEST_FIRST");
    assertEquals("101", over.unapplied().toPlainString());
  }

  @Test
  void dinar_amounts_have_three_decimals() {
    var list = List.of(
        invoice("inv_1", "INV-2026-000001", "10.125", MAR_1),
        invoice("inv_2", "INV-2026-000002", "5.250", MAR_5),
        invoice("inv_3", "INV-2026-000003", "0.875", MAR_9));

    var sum = Matching.match(list, new BigDecimal("11.000"), 3, null, null, Tolerance.NONE);
    var fiveFils = new Tolerance(new BigDecimal("0.005"), null);
    var written = Matching.match(list, new BigDecimal("5.245"), 3, "INV-2026-000002", null, fiveFils);
    var notWritten = Matching.match(list, new BigDecimal("5.244"), 3, "INV-2026-000002", null, fiveFils);
    var over = Matching.match(list, new BigDecimal("16.251"), 3, null, null, Tolerance.NONE);

    assertAllocations(sum, "INV-2026-000001 10.125 EXACT_SUM", "INV-2026-000003 0.875 EXACT_SUM");
    assertAllocations(written, "INV-2026-000002 5.245 REFERENCE");
    assertWriteOffs(written, "INV-2026-000002 0.005 TOLERANCE");
    assertNoWriteOffs(notWritten);
    assertEquals("0.001", over.unapplied().toPlainString());
  }

  @Test
  void the_same_invoices_in_any_order_give_the_same_result() {
    var list = new ArrayList<OpenInvoice>();
    for (int i = 0; i < 40; i++) {
      // Few distinct due dates, issue dates and balances: ties everywhere.
      list.add(invoice("inv_" + i, String.format("INV-2026-%06d", i), BigDecimal.valueOf(500 + 250L * (i % 7), 2).toPlainString(),
          MAR_1.plusDays(i % 4), ISSUED.plusDays(i % 3)));
    }
    var payments = List.of(
        new Object[] {"5.00", null}, new Object[] {"12.50", null}, new Object[] {"26.00", null}, new Object[] {"600.00", null},
        new Object[] {"33.33", "INV-2026-000017 INV-2026-000003"}, new Object[] {"1000.00", "inv-2026-000039"});
    var random = new Random(42);
    for (var p : payments) {
      var amount = eur((String) p[0]);
      var expected = Matching.match(list, amount, 2, (String) p[1], null, ONE_EURO);
      for (int round = 0; round < 20; round++) {
        var shuffled = new ArrayList<>(list);
        Collections.shuffle(shuffled, random);

        var r = Matching.match(shuffled, amount, 2, (String) p[1], null, ONE_EURO);

        assertEquals(expected, r, "payment " + p[0] + " after shuffle " + round);
      }
    }
  }

  // --- Many open invoices ---------------------------------------------------------------------------

  // 10,000 open invoices of a customer (given in shuffled order): every rule still gives the right
  // answer. Correctness only; how fast it is belongs to the benchmarks.

  private static final int COUNT = 10_000;

  /** All 100.00, due ten a day, except the two given balances at the given positions. */
  private static List<OpenInvoice> invoices(int specialA, String balanceA, int specialB, String balanceB) {
    var list = new ArrayList<OpenInvoice>(COUNT);
    for (int i = 0; i < COUNT; i++) {
      String balance = i == specialA ? balanceA : i == specialB ? balanceB : "100.00";
      list.add(new OpenInvoice("inv_" + i, number(i), "ord_" + i, "PO-" + i, eur(balance), eur(balance), MAR_1.plusDays(i / 10),
          ISSUED));
    }
    Collections.shuffle(list, new Random(7));
    return list;
  }

  private static String number(int i) {
    return String.format("INV-2026-%06d", i);
  }

  @Test
  void a_reference_finds_its_invoice_among_them() {
    var r = Matching.match(invoices(-1, null, -1, null), eur("100.00"), 2, "paying PO-7777 thanks", null, Tolerance.NONE);

    assertAllocations(r, number(7777) + " 100.00 REFERENCE");
  }

  @Test
  void the_one_exact_balance_is_found_even_when_it_is_due_last() {
    var r = Matching.match(invoices(COUNT - 1, "123.45", -1, null), eur("123.45"), 2, null, null, Tolerance.NONE);

    assertAllocations(r, number(COUNT - 1) + " 123.45 EXACT_AMOUNT");
  }

  @Test
  void a_pair_is_found_among_all_of_them() {
    var r = Matching.match(invoices(5_000, "12.34", COUNT - 1, "56.78"), eur("69.12"), 2, null, null, Tolerance.NONE);

    assertAllocations(r, number(5_000) + " 12.34 EXACT_SUM", number(COUNT - 1) + " 56.78 EXACT_SUM");
  }

  @Test
  void of_thousands_of_equal_pairs_and_triples_the_ones_due_first_are_taken() {
    var list = invoices(-1, null, -1, null);

    var pair = Matching.match(list, eur("200.00"), 2, null, null, Tolerance.NONE);
    var triple = Matching.match(list, eur("300.00"), 2, null, null, Tolerance.NONE);

    assertAllocations(pair, number(0) + " 100.00 EXACT_SUM", number(1) + " 100.00 EXACT_SUM");
    assertAllocations(triple, number(0) + " 100.00 EXACT_SUM", number(1) + " 100.00 EXACT_SUM", number(2) + " 100.00 EXACT_SUM");
  }

  @Test
  void oldest_first_pays_thousands_of_them_in_order_and_the_last_in_part() {
    var r = Matching.match(invoices(-1, null, -1, null), eur("250050.00"), 2, null, null, ONE_EURO);

    assertEquals(2_501, r.allocations().size());
    for (int i = 0; i < 2_500; i++) {
      var a = r.allocations().get(i);
      assertEquals(number(i) + " 100.00 OLDEST_FIRST", describe(a), "allocation " + i);
    }
    assertEquals(number(2_500) + " 50.00 OLDEST_FIRST", describe(r.allocations().get(2_500)));
    assertNoWriteOffs(r);
    assertMoney("0.00", r.unapplied());
  }

  @Test
  void paying_all_of_them_leaves_the_rest_unapplied() {
    var r = Matching.match(invoices(-1, null, -1, null), eur("1000000.01"), 2, null, null, Tolerance.NONE);

    assertEquals(COUNT, r.allocations().size());
    assertMoney("1000000.00", sum(r.allocations()));
    assertMoney("0.01", r.unapplied());
  }

  // --- Helpers ------------------------------------------------------------------------------------

  private static OpenInvoice invoice(String id, String number, String balance, LocalDate dueOn) {
    return invoice(id, number, balance, dueOn, ISSUED);
  }

  /** An invoice of order "ord_" + (id without "inv_"), external reference "PO-" + that in the example. */
  private static OpenInvoice invoice(String id, String number, String balance, LocalDate dueOn, LocalDate issuedOn) {
    String key = id.substring(id.indexOf('_') + 1);
    return new OpenInvoice(id, number, "ord_" + key, "PO-" + key + "-1", new BigDecimal(balance), new BigDecimal(balance), dueOn, issuedOn);
  }

  private static BigDecimal eur(String amount) {
    return new BigDecimal(amount);
  }

  private static String describe(Allocation a) {
    return a.invoiceNumber() + " " + a.amount().toPlainString() + " " + a.rule();
  }

  private static void assertAllocations(Result r, String... expected) {
    assertEquals(List.of(expected), r.allocations().stream().map(MatchingTest::describe).toList());
    for (var a : r.allocations()) {
      assertEquals(a.rule() == Rule.REFERENCE, a.token() != null, () -> "a token exactly for REFERENCE: " + a);
    }
  }

  private static void assertWriteOffs(Result r, String... expected) {
    assertEquals(List.of(expected),
        r.writeOffs().stream().map(w -> w.invoiceNumber() + " " + w.amount().toPlainString() + " " + w.rule()).toList());
  }

  private static void assertNoWriteOffs(Result r) {
    assertEquals(List.of(), r.writeOffs(), "no write-offs");
  }

  private static BigDecimal sum(List<Allocation> allocations) {
    return allocations.stream().map(Allocation::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  private static void assertMoney(String expected, BigDecimal actual) {
    assertTrue(actual != null && new BigDecimal(expected).compareTo(actual) == 0,
        () -> "expected the amount " + expected + " but was " + actual);
  }
}
