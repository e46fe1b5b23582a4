#include "dialogs/formtext.h"

#include "workspace/describe_params.h"
#include "common/error.h"

#include <QDir>
#include <QFile>
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

namespace {

// DIR and split of "DIR[:split]"; a folder name may hold a colon itself, so the split is only a
// known word.
std::pair<QString, QString> folderAndSplit(const QString& rest)
{
    static const QStringList splits = {QStringLiteral("test"), QStringLiteral("val"), QStringLiteral("dev")};
    const int colon = rest.lastIndexOf(QLatin1Char(':'));
    if (colon >= 0 && splits.contains(rest.mid(colon + 1)))
        return {rest.left(colon), rest.mid(colon + 1)};
    return {rest, QString()};
}

bool isBenchmarkKind(const QString& kind)
{
    return kind == QStringLiteral("mmlu") || kind == QStringLiteral("cmmlu") ||
           kind == QStringLiteral("ceval");
}

} // namespace

void checkTaskFiles(const QString& spec)
{
    const QString kind = spec.section(QLatin1Char(':'), 0, 0);
    const QString rest = spec.mid(kind.size() + 1);
    if (kind == QStringLiteral("idx")) {
        const QStringList files = rest.split(QLatin1Char(','));
        if (files.size() != 2)
            throw InputError(
                QStringLiteral("Task: '%1' should be idx:IMAGES,LABELS").arg(spec).toStdString());
        for (const QString& file : files)
            if (!QFileInfo(file).isFile())
                throw InputError(QStringLiteral("Task file not found: %1").arg(file).toStdString());
    } else if (kind == QStringLiteral("jsonl")) {
        if (rest.isEmpty())
            throw InputError("Task: 'jsonl:' needs a file: jsonl:FILE");
        if (!QFileInfo(rest).isFile())
            throw InputError(QStringLiteral("Task file not found: %1").arg(rest).toStdString());
    } else if (isBenchmarkKind(kind)) {
        const auto [folder, split] = folderAndSplit(rest);
        if (folder.isEmpty())
            throw InputError(
                QStringLiteral("Task: '%1' needs a folder: %2:DIR").arg(spec, kind).toStdString());
        if (!QFileInfo(folder).isDir())
            throw InputError(QStringLiteral("Task folder not found: %1").arg(folder).toStdString());
    }
}

QString shortTaskSpec(const QString& spec)
{
    const QString kind = spec.section(QLatin1Char(':'), 0, 0);
    const QString rest = spec.mid(kind.size() + 1);
    if (kind == QStringLiteral("idx"))
        return QStringLiteral("idx:") + QFileInfo(rest.section(QLatin1Char(','), 0, 0)).fileName();
    if (kind == QStringLiteral("jsonl"))
        return QStringLiteral("jsonl:") + QFileInfo(rest).fileName();
    if (isBenchmarkKind(kind)) {
        auto [folder, split] = folderAndSplit(rest);
        while (folder.size() > 1 && folder.endsWith(QLatin1Char('/')))
            folder.chop(1);
        QString text = kind + QLatin1Char(':') + QFileInfo(folder).fileName();
        if (!split.isEmpty())
            text += QStringLiteral(" (%1)").arg(split);
        return text;
    }
    return spec;
}

QString planModelName(const engine::RunPlan& plan)
{
    if (!plan.modelLabel.empty())
        return QString::fromStdString(plan.modelLabel);
    // cleanPath drops a trailing slash, after which a folder has a name.
    const auto name = [](const std::string& path) {
        return QFileInfo(QDir::cleanPath(QFile::decodeName(path.c_str()))).fileName();
    };
    QString text = name(plan.modelPath);
    if (!plan.adapterPath.empty())
        text += QStringLiteral(" + ") + name(plan.adapterPath);
    return text;
}

QString describePlan(const engine::RunPlan& plan)
{
    const QString model = planModelName(plan);
    const QString task = shortTaskSpec(QString::fromStdString(plan.taskSpec));
    const QString params = QString::fromStdString(
        workspace::describeParams(engine::canonicalParamsJson(plan.config, plan.config.device)));
    const QString dot = QStringLiteral(" \u00b7 ");
    QString text = model + dot + task + dot + params + dot + QStringLiteral("seeds ") + seedsText(plan.seeds);
    if (!plan.label.empty())
        text += dot + QString::fromStdString(plan.label);
    return text;
}

} // namespace nf::ui
