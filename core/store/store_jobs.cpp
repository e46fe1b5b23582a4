// Cluster submissions and the shards collected from them (cluster/jobs.h reads and writes them).

#include "common/error.h"
#include "store/store_impl.h"

#include <string>
#include <vector>

namespace nf::store {
namespace {

constexpr const char* kJobColumns = "id, scheduler, array_id, collect_id, shards_dir, plan_json, n_tasks, "
                                    "n_runs, state, detail, submitted_at, finished_at";

JobRow readJob(const sqlite::Statement& select)
{
    JobRow row;
    row.id = select.int64At(0);
    row.scheduler = select.textAt(1);
    row.arrayId = select.textAt(2);
    row.collectId = select.textAt(3);
    row.shardsDir = select.textAt(4);
    row.planJson = select.textAt(5);
    row.nTasks = select.int64At(6);
    row.nRuns = select.int64At(7);
    row.state = select.textAt(8);
    row.detail = select.textAt(9);
    row.submittedAt = select.textAt(10);
    row.finishedAt = select.isNull(11) ? std::string() : select.textAt(11);
    return row;
}

[[noreturn]] void noSuchJob(const std::filesystem::path& path, int64_t id)
{
    throw InputError("job " + std::to_string(id) + " is not in " + path.string() +
                     " (`noisefloor-cli jobs` lists the submissions)");
}

} // namespace

int64_t Store::addJob(const JobRow& job)
{
    sqlite::Transaction transaction(d->db);
    sqlite::Use insert(d->cached("INSERT INTO jobs(scheduler, array_id, collect_id, shards_dir, plan_json, "
                                 "n_tasks, n_runs, state, detail, submitted_at, finished_at) "
                                 "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, NULLIF(?11, ''))"));
    insert->bind(1, job.scheduler);
    insert->bind(2, job.arrayId);
    insert->bind(3, job.collectId);
    insert->bind(4, job.shardsDir);
    insert->bind(5, job.planJson);
    insert->bind(6, job.nTasks);
    insert->bind(7, job.nRuns);
    insert->bind(8, job.state);
    insert->bind(9, job.detail);
    insert->bind(10, job.submittedAt.empty() ? utcNowIso() : job.submittedAt);
    insert->bind(11, job.finishedAt);
    insert->step();
    const int64_t id = d->db.lastInsertRowid();
    transaction.commit();
    return id;
}

std::vector<JobRow> Store::jobs() const
{
    sqlite::Use select(d->cached(std::string("SELECT ") + kJobColumns + " FROM jobs ORDER BY id"));
    std::vector<JobRow> rows;
    while (select->step())
        rows.push_back(readJob(*select));
    return rows;
}

std::optional<JobRow> Store::job(int64_t id) const
{
    sqlite::Use select(d->cached(std::string("SELECT ") + kJobColumns + " FROM jobs WHERE id = ?1"));
    select->bind(1, id);
    if (!select->step())
        return std::nullopt;
    return readJob(*select);
}

void Store::setJobState(int64_t id, const std::string& state, const std::string& detail,
                        const std::string& finishedAt)
{
    sqlite::Transaction transaction(d->db);
    sqlite::Use update(
        d->cached("UPDATE jobs SET state = ?2, detail = ?3, finished_at = NULLIF(?4, '') WHERE id = ?1"));
    update->bind(1, id);
    update->bind(2, state);
    update->bind(3, detail);
    update->bind(4, finishedAt);
    update->step();
    if (d->db.changes() == 0)
        noSuchJob(d->path, id);
    transaction.commit();
}

void Store::setJobCollectId(int64_t id, const std::string& collectId)
{
    sqlite::Transaction transaction(d->db);
    sqlite::Use update(d->cached("UPDATE jobs SET collect_id = ?2 WHERE id = ?1"));
    update->bind(1, id);
    update->bind(2, collectId);
    update->step();
    if (d->db.changes() == 0)
        noSuchJob(d->path, id);
    transaction.commit();
}

std::vector<JobShardRow> Store::jobShards(int64_t jobId) const
{
    sqlite::Use select(d->cached("SELECT job_id, name, task, exit_code, runs_added, collected_at "
                                 "FROM job_shards WHERE job_id = ?1 ORDER BY task, name"));
    select->bind(1, jobId);
    std::vector<JobShardRow> rows;
    while (select->step()) {
        JobShardRow row;
        row.jobId = select->int64At(0);
        row.name = select->textAt(1);
        row.task = select->int64At(2);
        if (!select->isNull(3))
            row.exitCode = select->int64At(3);
        row.runsAdded = select->int64At(4);
        row.collectedAt = select->textAt(5);
        rows.push_back(std::move(row));
    }
    return rows;
}

void Store::addJobShard(const JobShardRow& shard)
{
    sqlite::Transaction transaction(d->db);
    sqlite::Use insert(
        d->cached("INSERT OR IGNORE INTO job_shards(job_id, name, task, exit_code, runs_added, "
                  "collected_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"));
    insert->bind(1, shard.jobId);
    insert->bind(2, shard.name);
    insert->bind(3, shard.task);
    insert->bind(4, shard.exitCode);
    insert->bind(5, shard.runsAdded);
    insert->bind(6, shard.collectedAt.empty() ? utcNowIso() : shard.collectedAt);
    insert->step();
    transaction.commit();
}

} // namespace nf::store
