package dev.o2c.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.o2c.http.Json;
import dev.o2c.infra.FieldError;
import dev.o2c.infra.ValidationException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CustomerPatchJsonTest {

  private static CustomerRequests.Patch patch(String json) {
    return CustomerRequests.Patch.fromJson(Json.read(json.getBytes(StandardCharsets.UTF_8), com.fasterxml.jackson.databind.JsonNode.class));
  }

  private static ValidationException refused(String json) {
    return assertThrows(ValidationException.class, () -> patch(json));
  }

  @Test
  void an_absent_field_is_null_and_an_explicit_null_is_empty() {
    var p = patch("{\"email\":null}");
    assertNull(p.name());
    assertEquals(Optional.empty(), p.email());
    assertNull(p.creditLimit());
    assertEquals(new CustomerPatch(null, null, true, null, null, null), CustomerRequests.validate(p));
  }

  @Test
  void present_fields_carry_their_values() {
    var p = patch("{\"name\":\"N\",\"email\":\"a@b.example\",\"creditLimit\":\"12.50\",\"paymentTermsDays\":45,\"status\":\"BLOCKED\"}");
    assertEquals(Optional.of("N"), p.name());
    assertEquals(0, new BigDecimal("12.5").compareTo(p.creditLimit().orElseThrow()));
    assertEquals(Optional.of(45), p.paymentTermsDays());
    assertEquals(Optional.of(CustomerStatus.BLOCKED), p.status());
    assertEquals(0, new BigDecimal("12.5").compareTo(patch("{\"creditLimit\":12.5}").creditLimit().orElseThrow()));
  }

  @Test
  void unknown_fields_and_wrong_types_are_all_reported_by_field() {
    var e = refused("{\"currency\":\"EUR\",\"name\":5,\"creditLimit\":\"lots\",\"paymentTermsDays\":1.5,\"status\":\"GONE\"}");
    assertEquals(
        java.util.List.of("creditLimit", "currency", "name", "paymentTermsDays", "status"),
        e.errors().stream().map(FieldError::field).sorted().toList());
  }

  @Test
  void a_patch_that_is_not_an_object_is_refused() {
    assertEquals("$", refused("[1]").errors().get(0).field());
  }
}
