#pragma once

// The main window's tabs, in their order: the one list the tab bar, the View menu's Ctrl+1..5,
// the tab remembered between launches and `--tab` take their identities from.

#include <QString>
#include <QStringList>

#include <array>
#include <optional>

namespace nf::ui {

enum class Tab { Distribution, History, Compare, Items, Environment };

struct TabInfo
{
    Tab tab;
    const char* key;   // as `--tab` names it
    const char* title; // on the tab bar and in the View menu
};

inline constexpr std::array<TabInfo, 5> kTabs{{
    {Tab::Distribution, "distribution", "Distribution"},
    {Tab::History, "history", "History"},
    {Tab::Compare, "compare", "Compare"},
    {Tab::Items, "items", "Items"},
    {Tab::Environment, "environment", "Environment"},
}};

inline constexpr int tabIndex(Tab tab)
{
    return static_cast<int>(tab);
}

static_assert(
    [] {
        for (size_t i = 0; i < kTabs.size(); ++i)
            if (tabIndex(kTabs[i].tab) != static_cast<int>(i))
                return false;
        return true;
    }(),
    "kTabs lists the tabs in the order of Tab");

inline QStringList tabKeys()
{
    QStringList keys;
    for (const TabInfo& info : kTabs)
        keys << QLatin1String(info.key);
    return keys;
}

// The tab `--tab` names, in any case.
inline std::optional<Tab> tabForKey(const QString& key)
{
    for (const TabInfo& info : kTabs)
        if (key.compare(QLatin1String(info.key), Qt::CaseInsensitive) == 0)
            return info.tab;
    return std::nullopt;
}

} // namespace nf::ui
