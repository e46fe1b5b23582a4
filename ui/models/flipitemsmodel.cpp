#include "models/flipitemsmodel.h"

#include "formats/mcq.h"

#include <QSet>
#include <array>

namespace nf::ui {
namespace {

// Characters of a question the table shows; the tooltip has all of it.
constexpr int kQuestionChars = 120;

QString subjectText(const FlipItem& item)
{
    return QString::fromStdString(item.subjectName.empty() ? item.subject : item.subjectName);
}

// The question on one line, cut after kQuestionChars characters (never inside a surrogate pair).
// "B. 清朝" and a line break, for an answer's tooltip; "" where the choice is unknown.
QString choiceText(const FlipItem& item, int answer)
{
    if (answer < 0 || static_cast<size_t>(answer) >= item.choices.size())
        return {};
    return QStringLiteral("%1. %2\n")
        .arg(QString(QLatin1Char(formats::choiceLetter(answer))),
             QString::fromStdString(item.choices[static_cast<size_t>(answer)]));
}

QString questionStart(const std::string& question)
{
    QString text = QString::fromStdString(question).simplified();
    if (text.size() <= kQuestionChars)
        return text;
    int cut = kQuestionChars;
    if (text.at(cut - 1).isHighSurrogate())
        --cut;
    return text.left(cut).trimmed() + QChar(0x2026);
}

} // namespace

FlipItemsModel::FlipItemsModel(QObject* parent) : QAbstractTableModel(parent) {}

void FlipItemsModel::setFlipItems(FlipItemsData data)
{
    beginResetModel();
    m_data = std::move(data);
    endResetModel();
}

QStringList FlipItemsModel::subjects() const
{
    QSet<QString> seen;
    for (const FlipItem& item : m_data.items)
        seen.insert(subjectText(item));
    QStringList list(seen.begin(), seen.end());
    list.sort(Qt::CaseInsensitive);
    return list;
}

int FlipItemsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_data.items.size());
}

int FlipItemsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : NUM_COLUMNS;
}

QVariant FlipItemsModel::display(const FlipItem& item, int column) const
{
    switch (column) {
    case ItemColumn:
        return QString::number(item.idx);
    case SubjectColumn:
        return subjectText(item);
    case ReferenceColumn: {
        // Named like the majority answer, so that the two read side by side.
        bool number = false;
        const int ref = QString::fromStdString(item.ref).toInt(&number);
        return number && !m_data.classNames.empty() ? m_data.answerText(ref)
                                                    : QString::fromStdString(item.ref);
    }
    case CorrectRateColumn:
        return QStringLiteral("%1 %").arg(item.rate() * 100.0, 0, 'f', 1);
    case RunsColumn:
        return QString::number(item.nRuns);
    case CorrectColumn:
        return QString::number(item.nCorrect);
    case MajorityColumn:
        return item.majorityAnswer ? m_data.answerText(*item.majorityAnswer) : QString();
    case QuestionColumn:
        return questionStart(item.question);
    }
    return {};
}

QString FlipItemsModel::questionToolTip(const FlipItem& item) const
{
    if (item.question.empty())
        return {};
    // Rich text, so that a long question wraps instead of running off the screen.
    QString html = QStringLiteral("<p style='white-space:pre-wrap'>%1</p><p>")
                       .arg(QString::fromStdString(item.question).toHtmlEscaped());
    for (size_t i = 0; i < item.choices.size(); ++i) {
        const int choice = static_cast<int>(i);
        QString line = QStringLiteral("%1. %2").arg(QString(QLatin1Char(formats::choiceLetter(choice))),
                                                    QString::fromStdString(item.choices[i]).toHtmlEscaped());
        if (choice == item.answer)
            line = QStringLiteral("<b>%1 \u2713 correct</b>").arg(line);
        else if (item.majorityAnswer && *item.majorityAnswer == choice)
            line += QStringLiteral(" <i>(the majority answer)</i>");
        html += line + QStringLiteral("<br>");
    }
    return html + QStringLiteral("</p>");
}

QVariant FlipItemsModel::sortKey(const FlipItem& item, int column) const
{
    switch (column) {
    case ItemColumn:
        return static_cast<qint64>(item.idx);
    case CorrectRateColumn:
        return item.rate();
    case RunsColumn:
        return static_cast<qint64>(item.nRuns);
    case CorrectColumn:
        return static_cast<qint64>(item.nCorrect);
    case MajorityColumn:
        return item.majorityAnswer ? QVariant(*item.majorityAnswer) : QVariant(-2);
    default:
        return display(item, column).toString().toLower();
    }
}

QVariant FlipItemsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const FlipItem& item = m_data.items[static_cast<size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return display(item, index.column());
    case Qt::DecorationRole:
        return index.column() == ItemColumn && !item.thumbnail.isNull() ? QVariant(item.thumbnail)
                                                                        : QVariant();
    case Qt::TextAlignmentRole:
        return index.column() == ItemColumn ||
                       (index.column() >= CorrectRateColumn && index.column() <= CorrectColumn)
                   ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                   : QVariant();
    case Qt::ToolTipRole:
        if (index.column() == MajorityColumn && item.majorityAnswer)
            return QString(
                choiceText(item, *item.majorityAnswer) +
                QStringLiteral("%1 of the %2 runs read gave this answer (the latest %3 runs are read)")
                    .arg(item.majorityCount)
                    .arg(item.answeredRuns)
                    .arg(m_data.runsForMajority));
        if (index.column() == ReferenceColumn && item.answer >= 0)
            return choiceText(item, item.answer).trimmed();
        if (index.column() == CorrectRateColumn)
            return QStringLiteral("Correct in %1 of %2 runs").arg(item.nCorrect).arg(item.nRuns);
        if (index.column() == QuestionColumn || (index.column() == ItemColumn && !item.question.empty()))
            return questionToolTip(item);
        if (index.column() == SubjectColumn && !item.subjectName.empty() && item.subjectName != item.subject)
            return QString::fromStdString(item.subject);
        return {};
    case SortRole:
        return sortKey(item, index.column());
    case ItemIndexRole:
        return static_cast<qint64>(item.idx);
    case SubjectRole:
        return subjectText(item);
    case FilterTextRole: {
        QStringList parts;
        for (int column = 0; column < QuestionColumn; ++column)
            parts << display(item, column).toString();
        parts << QString::fromStdString(item.question);
        return parts.join(QLatin1Char('\n')).toLower();
    }
    default:
        return {};
    }
}

QVariant FlipItemsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= NUM_COLUMNS)
        return {};
    if (role == Qt::DisplayRole) {
        static const std::array<const char*, NUM_COLUMNS> names = {
            "Item", "Subject", "Reference", "Correct rate", "Runs", "Correct", "Majority answer", "Question"};
        return QString::fromLatin1(names[static_cast<size_t>(section)]);
    }
    if (role == Qt::ToolTipRole) {
        if (section == CorrectRateColumn)
            return QStringLiteral("Share of the group's runs that answered the item correctly (p_i)");
        if (section == MajorityColumn)
            return QStringLiteral("Most frequent answer over the latest %1 runs").arg(m_data.runsForMajority);
    }
    return {};
}

FlipItemsProxy::FlipItemsProxy(QObject* parent) : QSortFilterProxyModel(parent)
{
    setSortRole(FlipItemsModel::SortRole);
}

void FlipItemsProxy::setSubject(const QString& subject)
{
    if (subject == m_subject)
        return;
    m_subject = subject;
    invalidateRowsFilter();
}

void FlipItemsProxy::setFilterText(const QString& text)
{
    const QString lowered = text.trimmed().toLower();
    if (lowered == m_text)
        return;
    m_text = lowered;
    invalidateRowsFilter();
}

bool FlipItemsProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (!m_subject.isEmpty() && index.data(FlipItemsModel::SubjectRole).toString() != m_subject)
        return false;
    return m_text.isEmpty() || index.data(FlipItemsModel::FilterTextRole).toString().contains(m_text);
}

} // namespace nf::ui
