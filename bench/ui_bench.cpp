// The desktop app's speed on a large database: 1,000 runs over 10,000 items each.
//
//   ui_bench [DATABASE]   default /tmp/noisefloor-ui-bench.sqlite, made on the first use (~1 min)
//
// Prints: cold start to an interactive window (construct, open, lay out, first frame), selecting
// a config group and redrawing the Distribution tab, the longest stall of the GUI thread while an
// evaluation runs (a 5 ms timer probe; the demo models on the 10,000 Fashion-MNIST test items),
// and the resident memory. Never asserts a time: the README's Performance section quotes it.

#include "bench_history.h"
#include "bench_process.h"
#include "common/paths.h"
#include "dialogs/newevaluationdialog.h"
#include "engine/engine.h"
#include "pages/distributionpage.h"
#include "store/store.h"
#include "window/mainwindow.h"
#include "worker/evaluationqueue.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace {

namespace store = nf::store;
namespace bench = nf::bench;
using bench::kGroups;
using bench::kItems;
using bench::kRunsPerGroup;

void makeDatabase(const std::filesystem::path& path)
{
    std::printf("making %s: %d groups x %d runs x %d items...\n", path.c_str(), kGroups, kRunsPerGroup, kItems);
    std::fflush(stdout);
    const auto started = std::chrono::steady_clock::now();
    const auto temporary = path.string() + ".part";
    std::filesystem::remove(temporary);
    {
        bench::HistoryDatabase history(temporary);
        std::vector<int64_t> configs;
        for (int g = 0; g < kGroups; ++g)
            configs.push_back(history.config(g));
        bench::forEachHistoryRun([&](int g, int r, const std::vector<store::ItemRow>& rows, const char* startedAt) {
            store::NewRun run;
            run.configId = configs[static_cast<size_t>(g)];
            run.envId = history.env;
            run.seed = r + 1;
            history.db.insertCompletedRun(run, rows, 1.0, startedAt);
        });
    }
    std::filesystem::rename(temporary, path);
    std::printf("  made in %.1f s\n", bench::secondsSince(started));
}

double milliseconds(const QElapsedTimer& timer)
{
    return static_cast<double>(timer.nsecsElapsed()) / 1e6;
}

void runEventsFor(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

} // namespace

int main(int argc, char** argv)
{
    // Loading the program's shared libraries, before main: the part of a cold start that
    // libtorch's libraries made 0.7 s long when the app linked the engine.
    const double librariesMs = bench::secondsSinceProcessStart() * 1000.0;
    const std::filesystem::path path = argc > 1 ? argv[1] : "/tmp/noisefloor-ui-bench.sqlite";
    if (!std::filesystem::exists(path))
        makeDatabase(path);
    // The evaluation below adds runs: work on a copy, so every bench run starts from the same file.
    const std::filesystem::path work = path.string() + ".work";
    std::filesystem::copy_file(path, work, std::filesystem::copy_options::overwrite_existing);

    QElapsedTimer cold;
    cold.start();
    QApplication app(argc, argv);
    nf::ui::MainWindow window;
    QString error;
    if (!window.openDatabase(QString::fromStdString(work.string()), &error)) {
        std::fprintf(stderr, "ui_bench: %s\n", qPrintable(error));
        return 2;
    }
    window.resize(1400, 860);
    window.show();
    QElapsedTimer firstFrame;
    firstFrame.start();
    window.repaint(); // the first frame, drawn now rather than at the next event-loop turn
    std::printf("platform %s, database %.0f MB\n", qPrintable(QApplication::platformName()),
                static_cast<double>(std::filesystem::file_size(path)) / 1e6);
    std::printf("cold start to an interactive window: %.0f ms = shared libraries loaded before main %.0f ms + "
                "QApplication, window, open, first frame %.0f ms (first frame %.0f ms)\n",
                librariesMs + milliseconds(cold), librariesMs, milliseconds(cold), milliseconds(firstFrame));

    // Selecting one group (100 runs) and all ten (1,000 runs), each redrawn at once.
    for (const QList<qint64>& groups : {QList<qint64>{3}, QList<qint64>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}) {
        double best = 1e9, worst = 0;
        for (int repeat = 0; repeat < 5; ++repeat) {
            window.selectGroups({});
            QElapsedTimer timer;
            timer.start();
            window.selectGroups(groups);
            window.distributionPage()->repaint();
            const double ms = milliseconds(timer);
            best = std::min(best, ms);
            worst = std::max(worst, ms);
        }
        std::printf("select %lld group(s) (%lld runs) and redraw the distribution: best %.1f ms, worst %.1f ms\n",
                    static_cast<long long>(groups.size()), static_cast<long long>(groups.size()) * kRunsPerGroup,
                    best, worst);
    }
    for (int tab = 1; tab < 5; ++tab) {
        QElapsedTimer timer;
        timer.start();
        window.showTab(static_cast<nf::ui::MainWindow::Tab>(tab));
        window.repaint();
        std::printf("switch to tab %d: %.1f ms\n", tab + 1, milliseconds(timer));
        runEventsFor(300);
    }
    window.showTab(nf::ui::MainWindow::Tab::Distribution);
    window.selectGroups({3});
    std::printf("resident memory with the database open, every tab drawn: %.0f MiB (peak %.0f MiB)\n",
                bench::statusKiB("VmRSS:") / 1024.0, bench::statusKiB("VmHWM:") / 1024.0);

    // New evaluation asks the engine which GPUs it has: the first time, the app starts loading
    // libnoisefloor-engine.so and libtorch's libraries on a pool thread.
    for (const char* when : {"the first time (the engine starts loading in the background)", "again"}) {
        QElapsedTimer timer;
        timer.start();
        nf::ui::NewEvaluationDialog dialog(&window);
        dialog.show();
        dialog.repaint();
        std::printf("open New evaluation %s: %.0f ms\n", when, milliseconds(timer));
    }

    // The GUI thread's longest stall while an evaluation runs: a 5 ms timer should tick on time.
    const auto models = nf::engine::loadEngine().ensureDemoModels(nf::dataDirectory() / "demo", {});
    nf::engine::RunPlan plan;
    plan.modelPath = models.threeEpochs.string();
    plan.modelLabel = "demo-mlp-3ep";
    plan.taskSpec = "fashion-mnist:test";
    plan.config.decoding = nf::engine::Decoding::Sample;
    for (int seed = 1001; seed <= 1012; ++seed)
        plan.seeds.push_back(seed);
    nf::ui::EvaluationJob job;
    job.kind = nf::ui::EvaluationJob::Kind::Plans;
    job.title = QStringLiteral("bench");
    job.plans = {plan};

    QEventLoop loop;
    QTimer probe;
    QElapsedTimer evaluation;
    evaluation.start();
    QElapsedTimer since;
    double longest = 0;
    double longestAt = 0;
    int over50 = 0;
    int ticks = 0;
    QObject::connect(&probe, &QTimer::timeout, [&] {
        const double gap = milliseconds(since);
        since.restart();
        if (ticks++ > 0) {
            if (gap > longest) {
                longest = gap;
                longestAt = milliseconds(evaluation);
            }
            over50 += gap > 50 ? 1 : 0;
        }
    });
    int finished = 0;
    QObject::connect(window.evaluations(), &nf::ui::EvaluationQueue::jobFinished, &loop, [&] {
        ++finished;
        loop.quit();
    });
    QObject::connect(window.evaluations(), &nf::ui::EvaluationQueue::jobFailed, &loop,
                     [&](const QString&, const QString& message) {
                         std::fprintf(stderr, "evaluation failed: %s\n", qPrintable(message));
                         loop.quit();
                     });
    since.start();
    probe.start(5);
    window.evaluations()->enqueue(job);
    loop.exec();
    probe.stop();
    std::printf("while 12 runs x 10,000 items ran (%.1f s, each run landing in the browser and charts): "
                "longest GUI stall %.1f ms (ending %.0f ms after the start), %d stall(s) over 50 ms in %d ticks\n",
                milliseconds(evaluation) / 1000.0, longest, longestAt, over50, ticks);
    std::printf("resident memory at the end: %.0f MiB (peak %.0f MiB)\n", bench::statusKiB("VmRSS:") / 1024.0,
                bench::statusKiB("VmHWM:") / 1024.0);
    return finished == 1 ? 0 : 1;
}
