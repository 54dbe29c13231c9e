package dev.o2c.tenancy;

import java.util.Comparator;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who is calling: the tenant an API key belongs to, the principal the key stands for and the
 * roles it has; once an action is authorised, {@code acting} is the role that allowed it. The
 * record of a change names both: {@link #by()}.
 */
public record Caller(String tenantId, String principal, Set<Role> roles, Role acting) {

  public Caller {
    Objects.requireNonNull(tenantId);
    Objects.requireNonNull(principal);
    roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
  }

  /** A caller with the given roles, not yet acting in any of them. */
  public Caller(String tenantId, String principal, Set<Role> roles) {
    this(tenantId, principal, roles, null);
  }

  /** Whether this caller may do what {@code needed} allows: every role reads, admin does everything. */
  public boolean may(Role needed) {
    return needed == Role.READ || roles.contains(needed) || roles.contains(Role.ADMIN);
  }

  /** This caller acting in the role {@code needed} (the one recorded with the change); it must be allowed. */
  public Caller actingAs(Role needed) {
    if (!may(needed)) {
      throw new IllegalStateException(principal + " may not act as " + needed.label());
    }
    Role recorded = roles.contains(needed) ? needed : roles.contains(Role.ADMIN) ? Role.ADMIN : needed;
    return new Caller(tenantId, principal, roles, recorded);
  }

  /** Who made a change, as every record of it names them: {@code principal (role)}. */
  public String by() {
    return acting == null ? principal : principal + " (" + acting.label() + ")";
  }

  /** The roles as configured names, in order: {@code read, orders}. */
  public String roleLabels() {
    return roles.stream().sorted(Comparator.naturalOrder()).map(Role::label).collect(Collectors.joining(", "));
  }
}
