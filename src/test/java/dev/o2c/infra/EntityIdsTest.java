package dev.o2c.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class EntityIdsTest {

  @Test
  void an_entity_id_is_tenant_colon_id_and_splits_back() {
    var entityId = EntityIds.entityId("acme", "ord_abc");
    assertEquals("acme:ord_abc", entityId);
    assertEquals("acme", EntityIds.tenantOf(entityId));
    assertEquals("ord_abc", EntityIds.idOf(entityId));
  }

  @Test
  void only_the_first_separator_splits_tenant_from_id() {
    var entityId = EntityIds.entityId("acme", "a:b");
    assertEquals("acme", EntityIds.tenantOf(entityId));
    assertEquals("a:b", EntityIds.idOf(entityId));
  }

  @Test
  void an_id_without_a_tenant_is_refused() {
    var error = assertThrows(IllegalArgumentException.class, () -> EntityIds.tenantOf("ord_abc"));
    assertTrue(error.getMessage().contains("ord_abc"), error.getMessage());
  }

  @Test
  void an_id_with_an_empty_tenant_is_refused() {
    assertThrows(IllegalArgumentException.class, () -> EntityIds.tenantOf(":ord_abc"));
  }

  @Test
  void a_derived_id_is_the_same_for_the_same_tenant_scope_and_key() {
    assertEquals(
        EntityIds.derived("ord", "acme", "orders", "key-1"),
        EntityIds.derived("ord", "acme", "orders", "key-1"));
  }

  @Test
  void a_derived_id_differs_across_tenants_scopes_and_keys() {
    var base = EntityIds.derived("ord", "acme", "orders", "key-1");
    var ids = new HashSet<String>();
    ids.add(base);
    ids.add(EntityIds.derived("ord", "globex", "orders", "key-1"));
    ids.add(EntityIds.derived("ord", "acme", "customers", "key-1"));
    ids.add(EntityIds.derived("ord", "acme", "orders", "key-2"));
    assertEquals(4, ids.size(), ids.toString());
  }

  @Test
  void a_derived_id_cannot_be_forged_by_moving_text_between_tenant_scope_and_key() {
    assertNotEquals(
        EntityIds.derived("ord", "acme", "orders", "x"),
        EntityIds.derived("ord", "acm", "eorders", "x"));
  }

  @Test
  void a_derived_id_has_the_prefix_128_bits_in_base32_and_is_a_valid_id() {
    var id = EntityIds.derived("ord", "acme", "orders", "key-1");
    assertTrue(id.startsWith("ord_"), id);
    // 128 bits in base32 are 26 characters
    assertTrue(id.substring(4).matches("[a-z2-7]{26}"), id);
    assertTrue(EntityIds.ID.matcher(id).matches(), id);
  }

  @Test
  void a_derived_id_is_the_base32_of_the_first_half_of_the_sha256_digest() {
    var digest = EntityIds.sha256Hex("acme\norders\nkey-1");
    var id = EntityIds.derived("ord", "acme", "orders", "key-1");
    assertEquals(base32OfHex(digest.substring(0, 32)), id.substring(4));
  }

  @Test
  void random_ids_are_distinct_prefixed_and_valid() {
    var ids = new HashSet<String>();
    for (int i = 0; i < 1000; i++) {
      var id = EntityIds.random("cus");
      assertTrue(id.startsWith("cus_"), id);
      assertTrue(id.substring(4).matches("[a-z2-7]{26}"), id);
      assertTrue(EntityIds.ID.matcher(id).matches(), id);
      ids.add(id);
    }
    assertEquals(1000, ids.size());
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "a", "7", "C-1001", "cust.eu_north-1", "ord_k3v9abc", "0abc",
    "a123456789012345678901234567890123456789012345678901234567890123"
  })
  void ids_of_letters_digits_dots_underscores_and_dashes_up_to_64_are_valid(String id) {
    assertTrue(EntityIds.isValidId(id), id);
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {
    "", "acme:c1", "a|b", "a b", " a", "a ", "-a", "_a", ".a", "a/b", "\u00e9", "a\n",
    "a1234567890123456789012345678901234567890123456789012345678901234"
  })
  void ids_with_separators_spaces_other_characters_a_bad_start_or_over_64_chars_are_invalid(String id) {
    assertFalse(EntityIds.isValidId(id), String.valueOf(id));
  }

  @Test
  void the_length_examples_are_exactly_64_and_65_characters() {
    assertEquals(64, "a123456789012345678901234567890123456789012345678901234567890123".length());
    assertEquals(65, "a1234567890123456789012345678901234567890123456789012345678901234".length());
  }

  @Test
  void sha256_hex_matches_the_known_digests() {
    assertEquals(
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", EntityIds.sha256Hex("abc"));
    assertEquals(
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", EntityIds.sha256Hex(""));
  }

  @Test
  void sha256_hex_hashes_the_utf8_bytes() {
    // SHA-256 of c3 a9, the UTF-8 encoding of "é"
    assertEquals(
        "4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c", EntityIds.sha256Hex("\u00e9"));
  }

  /** RFC 4648 base32 in lower case, without padding: an independent implementation. */
  private static String base32OfHex(String hex) {
    var bits = new StringBuilder();
    for (char c : hex.toCharArray()) {
      var nibble = Integer.toBinaryString(Character.digit(c, 16));
      bits.append("0".repeat(4 - nibble.length())).append(nibble);
    }
    while (bits.length() % 5 != 0) {
      bits.append('0');
    }
    var alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    var out = new StringBuilder();
    for (int i = 0; i < bits.length(); i += 5) {
      out.append(alphabet.charAt(Integer.parseInt(bits.substring(i, i + 5), 2)));
    }
    return out.toString();
  }
}
