#include "dialogs/formtext.h"

#include "analysis/describe_params.h"
#include "common/error.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <QStringList>
#include <cmath>
#include <set>

namespace nf::ui {
namespace {

constexpr int64_t kMostSeeds = 100000;

[[noreturn]] void badSeeds(const QString& text, const QString& why)
{
    throw InputError(QStringLiteral("Seeds: '%1' %2 (write 1-5 or 1,2,3)").arg(text, why).toStdString());
}

int64_t parseSeed(const QString& whole, const QString& piece)
{
    bool ok = false;
    const qlonglong seed = piece.trimmed().toLongLong(&ok);
    if (!ok || seed < 0)
        badSeeds(whole, QStringLiteral("has '%1', which is not a non-negative integer").arg(piece.trimmed()));
    return seed;
}

} // namespace

std::vector<int64_t> parseSeedsText(const QString& text)
{
    if (text.trimmed().isEmpty())
        badSeeds(text, QStringLiteral("is empty"));
    std::vector<int64_t> seeds;
    std::set<int64_t> seen;
    auto add = [&](int64_t seed) {
        if (!seen.insert(seed).second)
            badSeeds(text, QStringLiteral("names seed %1 twice").arg(seed));
        seeds.push_back(seed);
    };
    for (const QString& piece : text.split(QLatin1Char(','))) {
        const int dash = piece.indexOf(QLatin1Char('-'), 1);
        if (dash < 0) {
            add(parseSeed(text, piece));
            continue;
        }
        const int64_t first = parseSeed(text, piece.left(dash));
        const int64_t last = parseSeed(text, piece.mid(dash + 1));
        if (last < first)
            badSeeds(text, QStringLiteral("has the range %1-%2, which runs backwards").arg(first).arg(last));
        if (last - first >= kMostSeeds)
            badSeeds(text, QStringLiteral("asks for more than %1 runs").arg(kMostSeeds));
        for (int64_t seed = first; seed <= last; ++seed)
            add(seed);
    }
    return seeds;
}

QString seedsText(const std::vector<int64_t>& seeds)
{
    bool consecutive = seeds.size() > 1;
    for (size_t i = 1; i < seeds.size() && consecutive; ++i)
        consecutive = seeds[i] == seeds[i - 1] + 1;
    if (consecutive)
        return QStringLiteral("%1-%2").arg(seeds.front()).arg(seeds.back());
    QStringList parts;
    for (const int64_t seed : seeds)
        parts.append(QString::number(seed));
    return parts.join(QStringLiteral(", "));
}

std::vector<double> parseTemperatures(const QString& text)
{
    static const QRegularExpression separators(QStringLiteral("[,;\\s]+"));
    const QStringList pieces = text.split(separators, Qt::SkipEmptyParts);
    if (pieces.isEmpty())
        throw InputError("Temperatures: enter one or more, for example 0.7, 1.0");
    std::vector<double> temperatures;
    for (const QString& piece : pieces) {
        bool ok = false;
        const double value = piece.toDouble(&ok);
        if (!ok || !std::isfinite(value) || value < 0)
            throw InputError(QStringLiteral("Temperatures: '%1' is not a number >= 0 (0 means greedy)")
                                 .arg(piece)
                                 .toStdString());
        for (const double earlier : temperatures)
            if (earlier == value)
                throw InputError(QStringLiteral("Temperatures: %1 is listed twice").arg(piece).toStdString());
        temperatures.push_back(value);
    }
    return temperatures;
}

QString describePlan(const engine::RunPlan& plan)
{
    const QString model = plan.modelLabel.empty()
                              ? QFileInfo(QString::fromStdString(plan.modelPath)).fileName()
                              : QString::fromStdString(plan.modelLabel);
    QString task = QString::fromStdString(plan.taskSpec);
    if (task.startsWith(QStringLiteral("idx:")))
        task = QStringLiteral("idx:") + QFileInfo(task.mid(4).section(QLatin1Char(','), 0, 0)).fileName();
    const QString params = QString::fromStdString(
        analysis::describeParams(engine::canonicalParamsJson(plan.config, plan.config.device)));
    const QString dot = QStringLiteral(" \u00b7 ");
    QString text = model + dot + task + dot + params + dot + QStringLiteral("seeds ") + seedsText(plan.seeds);
    if (!plan.label.empty())
        text += dot + QString::fromStdString(plan.label);
    return text;
}

} // namespace nf::ui
