// Tests of the CD records in the SQLite store: release numbering, the
// deployment lock, live releases, config versions, instances and domains.
#include <gtest/gtest.h>

#include "store/temp_store_fixture.h"

namespace slipway::store {
namespace {

class DeployStoreTest : public TempStoreTest {
 protected:
  Release release(Id project_id, const std::string& commit) {
    Release r;
    r.project_id = project_id;
    r.commit = commit;
    r.dir = "/releases/" + commit;
    return store_->create_release(r);
  }
  Deployment deployment(Id project_id, Id release_id, const std::string& environment = "production") {
    Deployment d;
    d.project_id = project_id;
    d.release_id = release_id;
    d.environment = environment;
    d.trigger = "push";
    return store_->create_deployment(d);
  }
};

TEST_F(DeployStoreTest, ReleasesAreNumberedPerProject) {
  auto a = project("a");
  auto b = project("b");
  EXPECT_EQ(release(a.id, "c1").number, 1);
  EXPECT_EQ(release(a.id, "c2").number, 2);
  EXPECT_EQ(release(b.id, "c3").number, 1);
  auto listed = store_->list_releases(a.id);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].number, 2);  // newest first
  EXPECT_EQ(store_->find_release(a.id, 1)->commit, "c1");
}

TEST_F(DeployStoreTest, OneRunningDeploymentPerEnvironment) {
  auto p = project("a");
  auto r = release(p.id, "c1");
  auto first = deployment(p.id, r.id);
  auto second = deployment(p.id, r.id);
  auto staging = deployment(p.id, r.id, "staging");
  EXPECT_TRUE(store_->claim_deployment(first.id, 1));
  EXPECT_FALSE(store_->claim_deployment(second.id, 2));  // the lock is held
  EXPECT_TRUE(store_->claim_deployment(staging.id, 3));  // another environment
  EXPECT_EQ(store_->find_deployment(first.id)->status, DeploymentStatus::running);
  EXPECT_EQ(store_->find_deployment(first.id)->release_number, 1);

  auto done = *store_->find_deployment(first.id);
  done.status = DeploymentStatus::success;
  store_->update_deployment(done);
  EXPECT_TRUE(store_->claim_deployment(second.id, 4));
  EXPECT_FALSE(store_->claim_deployment(second.id, 5));  // already running, not queued
}

TEST_F(DeployStoreTest, LiveReleaseIsReplaced) {
  auto p = project("a");
  auto r1 = release(p.id, "c1");
  auto r2 = release(p.id, "c2");
  store_->set_live({p.id, "production", 7, r1.id, 1, 0, 100});
  store_->set_live({p.id, "production", 8, r2.id, 0, r1.id, 200});
  auto live = store_->find_live(p.id, "production");
  ASSERT_TRUE(live);
  EXPECT_EQ(live->deployment_id, 8);
  EXPECT_EQ(live->release_number, 2);
  EXPECT_EQ(live->previous_release_id, r1.id);
  EXPECT_EQ(store_->list_live().size(), 1u);
  store_->clear_live(p.id, "production");
  EXPECT_FALSE(store_->find_live(p.id, "production"));
}

TEST_F(DeployStoreTest, ConfigVersionsKeepTheWholeMap) {
  auto p = project("a");
  EXPECT_EQ(store_->latest_config(p.id).version, 0);
  EXPECT_EQ(store_->save_config(p.id, {{"A", "1", false}}), 1);
  EXPECT_EQ(store_->save_config(p.id, {{"A", "2", false}, {"B", "sealed", true}}), 2);
  auto latest = store_->latest_config(p.id);
  EXPECT_EQ(latest.version, 2);
  ASSERT_EQ(latest.entries.size(), 2u);
  EXPECT_TRUE(latest.entries[1].secret);
  EXPECT_EQ(store_->find_config(p.id, 1)->entries[0].value, "1");
  EXPECT_FALSE(store_->find_config(p.id, 9));
}

TEST_F(DeployStoreTest, InstancesDomainsAndFormation) {
  auto p = project("a");
  auto q = project("b");
  Instance i;
  i.project_id = p.id;
  i.environment = "production";
  i.process = "web";
  i.port = 4000;
  i = store_->create_instance(i);
  i.active = false;
  store_->update_instance(i);
  EXPECT_TRUE(store_->list_instances(p.id, true).empty());
  EXPECT_EQ(store_->list_instances(std::nullopt, false).size(), 1u);

  EXPECT_TRUE(store_->add_domain(p.id, "example.test"));
  EXPECT_FALSE(store_->add_domain(q.id, "example.test"));  // one app per domain
  EXPECT_EQ(store_->list_domains(std::nullopt).size(), 1u);
  EXPECT_TRUE(store_->remove_domain(p.id, "example.test"));

  store_->set_formation(p.id, {{"web", 3}});
  store_->set_formation(p.id, {{"worker", 1}});
  auto formation = store_->formation(p.id);
  EXPECT_EQ(formation["web"], 3);
  EXPECT_EQ(formation["worker"], 1);
}

TEST_F(DeployStoreTest, WaitingDeploymentsKeepWhoApproved) {
  auto p = project("p");
  auto r = release(p.id, "abc");
  auto d = deployment(p.id, r.id);
  d.status = DeploymentStatus::waiting;
  store_->update_deployment(d);
  EXPECT_FALSE(is_finished(DeploymentStatus::waiting));
  EXPECT_EQ(store_->list_deployments({p.id, std::nullopt, DeploymentStatus::waiting, 10}).size(), 1u);
  d.status = DeploymentStatus::queued;
  d.approved_by = "alice";
  store_->update_deployment(d);
  auto back = store_->find_deployment(d.id);
  EXPECT_EQ(back->status, DeploymentStatus::queued);
  EXPECT_EQ(back->approved_by, "alice");
  EXPECT_EQ(to_string(DeploymentStatus::waiting), "waiting");
  EXPECT_EQ(parse_deployment_status("waiting"), DeploymentStatus::waiting);
}

TEST_F(DeployStoreTest, HostResultsAreUpdatedInPlaceInFirstSeenOrder) {
  auto p = project("p");
  auto d = deployment(p.id, release(p.id, "abc").id);
  store_->save_deployment_host({d.id, "root@b", "pending", "", 0, 0});
  store_->save_deployment_host({d.id, "root@a", "pending", "", 0, 0});
  store_->save_deployment_host({d.id, "root@b", "healthy", "release 1 serving", 1234, 0});
  auto hosts = store_->list_deployment_hosts(d.id);
  ASSERT_EQ(hosts.size(), 2u);
  EXPECT_EQ(hosts[0].host, "root@b");
  EXPECT_EQ(hosts[0].status, "healthy");
  EXPECT_EQ(hosts[0].bytes_sent, 1234);
  EXPECT_GT(hosts[0].updated_at, 0);
  EXPECT_EQ(hosts[1].host, "root@a");
  EXPECT_TRUE(store_->list_deployment_hosts(d.id + 1).empty());
}

TEST_F(DeployStoreTest, EachHostHasOneLiveRelease) {
  auto p = project("p");
  auto one = release(p.id, "one");
  auto two = release(p.id, "two");
  store_->record_host_release(p.id, "production", "h1", one.id, true);
  store_->record_host_release(p.id, "production", "h2", one.id, true);
  store_->record_host_release(p.id, "production", "h1", two.id, false);  // delivered, not switched
  store_->record_host_release(p.id, "production", "h1", two.id, true);   // switched
  auto held = store_->list_host_releases(p.id, "production");
  ASSERT_EQ(held.size(), 3u);
  EXPECT_EQ(held[0].host, "h1");
  EXPECT_EQ(held[0].release_number, 2);
  EXPECT_TRUE(held[0].live);
  EXPECT_EQ(held[1].release_number, 1);
  EXPECT_FALSE(held[1].live);
  EXPECT_EQ(held[2].host, "h2");
  EXPECT_TRUE(held[2].live);
  store_->remove_host_release(p.id, "production", "h1", one.id);
  EXPECT_EQ(store_->list_host_releases(p.id, "production").size(), 2u);
  EXPECT_TRUE(store_->list_host_releases(p.id, "staging").empty());
}

}  // namespace
}  // namespace slipway::store
