package dev.o2c.infra.health;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/** Ready only while this node is an Up member of the cluster. */
public final class ClusterMemberUp implements HealthCheck {

  private final Cluster cluster;

  public ClusterMemberUp(ActorSystem<?> system) {
    this.cluster = Cluster.get(system);
  }

  @Override
  public String name() {
    return "cluster";
  }

  @Override
  public CompletionStage<Result> run() {
    MemberStatus status = cluster.selfMember().status();
    String detail = "member " + cluster.selfMember().address() + " is " + status;
    return CompletableFuture.completedFuture(
        status == MemberStatus.up() ? Result.ok(detail) : Result.failed(detail));
  }
}
