// The Debian package a user installs: what it holds, what it depends on, and what a desktop reads
// from it (desktop entry, AppStream metainfo, MIME type, icons, man pages, bash completion), all
// checked with the tools that read them; and its programs run from the unpacked tree, where they
// find each other as they will under /usr. PackageBuild (CMakeLists.txt) makes the package first.

#include "cli/shell.h"
#include "core/scratch_dir.h"
#include "store/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <QMimeDatabase>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>

namespace fs = std::filesystem;
using nf::test::readFile;
using nf::test::ScratchDir;
using nf::test::shellQuote;

namespace {

const std::string kId = NF_APP_ID;
const fs::path kPackageDir = NF_PACKAGE_DIR;
const fs::path kRoot = kPackageDir / "root";

struct Result
{
    int code = -1;
    std::string out;
    std::string err;
};

// Runs a bash command line, capturing its exit code, standard output and standard error.
Result sh(const std::string& command)
{
    ScratchDir dir;
    const std::string line = "bash -c " + shellQuote(command) + " >" + shellQuote((dir / "out").string()) +
                             " 2>" + shellQuote((dir / "err").string()) + " </dev/null";
    const int status = std::system(line.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, readFile(dir / "out"), readFile(dir / "err")};
}

fs::path packageFile()
{
    for (const auto& entry : fs::directory_iterator(kPackageDir))
        if (entry.path().extension() == ".deb")
            return entry.path();
    return {};
}

std::vector<std::string> lines(const std::string& text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

// The names of the commands `noisefloor-cli --help` lists (under "Subcommands:").
std::vector<std::string> cliCommands()
{
    const Result help = sh(shellQuote((kRoot / "usr/bin/noisefloor-cli").string()) + " --help");
    std::vector<std::string> commands;
    bool listing = false;
    for (const std::string& line : lines(help.out)) {
        if (line == "Subcommands:")
            listing = true;
        else if (listing && line.size() > 2 && line[2] != ' ')
            commands.push_back(line.substr(2, line.find(' ', 2) - 2));
    }
    return commands;
}

// The long options a --help text lists ("--name" at the start of an entry).
std::set<std::string> helpOptions(const std::string& help)
{
    std::set<std::string> options;
    static const std::regex entry(R"(^\s+(?:-\w,\s*)?(--[a-z][a-z0-9-]*))");
    for (const std::string& line : lines(help)) {
        std::smatch match;
        if (std::regex_search(line, match, entry))
            options.insert(match[1]);
    }
    return options;
}

std::string roffName(const std::string& option)
{
    std::string out;
    for (char c : option)
        out += c == '-' ? std::string("\\-") : std::string(1, c);
    return out;
}

class Package : public ::testing::Test
{
protected:
    void SetUp() override
    {
        m_deb = packageFile();
        ASSERT_FALSE(m_deb.empty()) << "no .deb in " << kPackageDir << " (PackageBuild makes it)";
        ASSERT_TRUE(fs::is_directory(kRoot)) << kRoot;
    }

    fs::path m_deb;
};

TEST_F(Package, HoldsBothProgramsTheDesktopFilesAndAManPagePerCommand)
{
    const Result listing = sh("dpkg-deb -c " + shellQuote(m_deb.string()));
    ASSERT_EQ(listing.code, 0) << listing.err;
    std::set<std::string> paths;
    for (const std::string& line : lines(listing.out)) {
        const auto dot = line.find(" ./");
        ASSERT_NE(dot, std::string::npos) << line;
        const std::string path = line.substr(dot + 1);
        EXPECT_TRUE(path.starts_with("./usr/")) << "outside /usr: " << path;
        paths.insert(path);
    }
    std::vector<std::string> expected = {
        "./usr/bin/noisefloor",
        "./usr/bin/noisefloor-cli",
        "./usr/libexec/noisefloor/noisefloor-engine",
        "./usr/" NF_ENGINE_INSTALL_DIR "/libnoisefloor-engine.so",
        "./usr/share/applications/" + kId + ".desktop",
        "./usr/share/metainfo/" + kId + ".metainfo.xml",
        "./usr/share/mime/packages/" + kId + ".xml",
        "./usr/share/icons/hicolor/scalable/apps/" + kId + ".svg",
        "./usr/share/bash-completion/completions/noisefloor-cli",
        "./usr/share/man/man1/noisefloor.1.gz",
        "./usr/share/man/man1/noisefloor-cli.1.gz",
    };
    for (int size : {16, 32, 48, 64, 128, 256})
        expected.push_back("./usr/share/icons/hicolor/" + std::to_string(size) + "x" + std::to_string(size) +
                           "/apps/" + kId + ".png");
    const auto commands = cliCommands();
    ASSERT_GE(commands.size(), 20u) << "noisefloor-cli --help lists too few commands";
    for (const std::string& command : commands)
        expected.push_back("./usr/share/man/man1/noisefloor-cli-" + command + ".1.gz");
    for (const std::string& path : expected)
        EXPECT_TRUE(paths.count(path)) << path << " is not in the package";
}

TEST_F(Package, ControlFileNamesLibtorchQtAndOpenBlas)
{
    auto field = [&](const std::string& name) {
        const Result result = sh("dpkg-deb -f " + shellQuote(m_deb.string()) + " " + name);
        EXPECT_EQ(result.code, 0) << result.err;
        return result.out;
    };
    EXPECT_EQ(field("Package"), "noisefloor\n");
    EXPECT_EQ(field("Version"), std::string(NF_VERSION_TEXT) + "\n");
    EXPECT_EQ(field("Section"), "science\n");
    EXPECT_EQ(field("Architecture"), sh("dpkg --print-architecture").out);
    const std::string depends = field("Depends");
    // From dpkg-shlibdeps (the binaries' own libraries), and OpenBLAS, which nothing links.
    for (const char* package : {"libtorch1.13 (", "libqt6widgets6 (", "libqt6charts6 (", "libqt6svg6 (",
                                "libsqlite3-0 (", "libopenblas0-pthread | libopenblas0"})
        EXPECT_NE(depends.find(package), std::string::npos)
            << package << " missing from Depends: " << depends;
    // No maintainer script: nothing to run at install, and nothing dpkg keeps once it is removed
    // (a postrm would hold the package in the "rc" state until a purge).
    const Result info = sh("dpkg-deb -I " + shellQuote(m_deb.string()));
    for (const char* script : {"preinst", "postinst", "prerm", "postrm"})
        EXPECT_EQ(info.out.find(script), std::string::npos) << script << " in " << info.out;
    const auto description = lines(field("Description"));
    ASSERT_GE(description.size(), 4u) << "a summary line and a paragraph";
    EXPECT_NE(description[0].find("noise"), std::string::npos);
    EXPECT_NE(description[1], " " + description[0]) << "the summary repeated as the description's first line";
}

TEST_F(Package, DesktopEntryAndMetainfoValidateAndAgreeOnTheId)
{
    const fs::path desktop = kRoot / "usr/share/applications" / (kId + ".desktop");
    const fs::path metainfo = kRoot / "usr/share/metainfo" / (kId + ".metainfo.xml");
    const Result entry = sh("desktop-file-validate " + shellQuote(desktop.string()));
    EXPECT_EQ(entry.code, 0) << entry.out << entry.err;
    EXPECT_EQ(entry.out.find("error:"), std::string::npos) << entry.out;
    EXPECT_EQ(entry.out.find("warning:"), std::string::npos) << entry.out;
    const Result appstream = sh("appstreamcli validate --no-net --pedantic " + shellQuote(metainfo.string()));
    EXPECT_EQ(appstream.code, 0) << appstream.out << appstream.err;

    const std::string desktopText = readFile(desktop);
    EXPECT_NE(desktopText.find("\nIcon=" + kId + "\n"), std::string::npos) << desktopText;
    EXPECT_NE(desktopText.find("\nExec=noisefloor %F\n"), std::string::npos) << desktopText;
    EXPECT_NE(desktopText.find("MimeType=application/x-noisefloor-database;"), std::string::npos);
    const std::string meta = readFile(metainfo);
    EXPECT_NE(meta.find("<id>" + kId + "</id>"), std::string::npos);
    EXPECT_NE(meta.find("<launchable type=\"desktop-id\">" + kId + ".desktop</launchable>"),
              std::string::npos);
    EXPECT_NE(meta.find("<release version=\"" + std::string(NF_VERSION_TEXT) + "\""), std::string::npos)
        << "the metainfo has no release for this version";
    EXPECT_NE(meta.find("<content_rating"), std::string::npos);
    // Its screenshots are the README's (the URLs end in the repository's docs/screenshots/).
    static const std::regex image(R"(<image>[^<]*/docs/screenshots/([a-z-]+\.png)</image>)");
    int screenshots = 0;
    for (std::sregex_iterator it(meta.begin(), meta.end(), image), end; it != end; ++it, ++screenshots)
        EXPECT_TRUE(fs::exists(fs::path(NF_SOURCE_DIR) / "docs/screenshots" / (*it)[1].str())) << (*it)[1];
    EXPECT_GE(screenshots, 1);
}

TEST_F(Package, IconsAreTheSizesTheirFoldersSay)
{
    for (int size : {16, 32, 48, 64, 128, 256}) {
        const std::string name = std::to_string(size) + "x" + std::to_string(size);
        const fs::path png = kRoot / "usr/share/icons/hicolor" / name / "apps" / (kId + ".png");
        const std::string bytes = readFile(png);
        ASSERT_GE(bytes.size(), 24u) << png;
        ASSERT_EQ(bytes.substr(1, 3), "PNG") << png;
        auto be32 = [&](size_t at) {
            return (uint32_t(uint8_t(bytes[at])) << 24) | (uint32_t(uint8_t(bytes[at + 1])) << 16) |
                   (uint32_t(uint8_t(bytes[at + 2])) << 8) | uint32_t(uint8_t(bytes[at + 3]));
        };
        EXPECT_EQ(be32(16), uint32_t(size)) << png << " width";
        EXPECT_EQ(be32(20), uint32_t(size)) << png << " height";
    }
}

TEST_F(Package, ManPagesRenderCleanlyAndDescribeEveryOption)
{
    const fs::path man1 = kRoot / "usr/share/man/man1";
    for (const auto& entry : fs::directory_iterator(man1)) {
        // -ww: every warning; -z: no output. A page groff warns about renders badly somewhere.
        const Result render = sh("zcat " + shellQuote(entry.path().string()) + " | groff -man -Tutf8 -ww -z");
        EXPECT_EQ(render.code, 0) << entry.path();
        EXPECT_EQ(render.err, "") << entry.path();
    }
    // man finds them by name where they are installed.
    const Result where =
        sh("MANPATH=" + shellQuote((kRoot / "usr/share/man").string()) + " man -w noisefloor-cli-run");
    EXPECT_EQ(where.code, 0) << where.err;
    EXPECT_NE(where.out.find("noisefloor-cli-run.1.gz"), std::string::npos) << where.out;

    // The desktop program's page is written by hand: it must keep up with its options.
    const Result guiHelp = sh(shellQuote((kRoot / "usr/bin/noisefloor").string()) + " --help");
    ASSERT_EQ(guiHelp.code, 0) << guiHelp.err;
    const auto guiOptions = helpOptions(guiHelp.out);
    EXPECT_TRUE(guiOptions.count("--db") && guiOptions.count("--screenshot")) << guiHelp.out;
    const std::string guiPage = sh("zcat " + shellQuote((man1 / "noisefloor.1.gz").string())).out;
    for (const std::string& option : guiOptions)
        EXPECT_NE(guiPage.find("\\fB" + roffName(option) + "\\fR"), std::string::npos)
            << "noisefloor.1 does not describe " << option;

    // Each command's page lists every option its --help does.
    for (const std::string& command : cliCommands()) {
        const Result help =
            sh(shellQuote((kRoot / "usr/bin/noisefloor-cli").string()) + " " + command + " --help");
        ASSERT_EQ(help.code, 0) << command << ": " << help.err;
        const std::string page =
            sh("zcat " + shellQuote((man1 / ("noisefloor-cli-" + command + ".1.gz")).string())).out;
        for (const std::string& option : helpOptions(help.out)) {
            if (option != "--help") {
                EXPECT_NE(page.find(roffName(option)), std::string::npos)
                    << "noisefloor-cli-" << command << ".1 does not describe " << option;
            }
        }
    }
}

// Completions for a command line whose last word is being typed, with or without bash-completion's
// helpers loaded; the script is the one the package installs.
std::string complete(const std::vector<std::string>& words, bool withBashCompletion, const fs::path& cwd)
{
    std::string script = "cd " + shellQuote(cwd.string()) + "; ";
    if (withBashCompletion)
        script += "source /usr/share/bash-completion/bash_completion; ";
    script += "source " +
              shellQuote((kRoot / "usr/share/bash-completion/completions/noisefloor-cli").string()) +
              "; COMP_WORDS=(";
    for (const auto& word : words)
        script += shellQuote(word) + " ";
    script += "); COMP_CWORD=" + std::to_string(words.size() - 1) +
              "; COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE}; _noisefloor_cli; "
              "printf '%s\\n' \"${COMPREPLY[@]}\" | sort | tr '\\n' ' '";
    const Result result = sh(script);
    EXPECT_EQ(result.code, 0) << result.err;
    return result.out;
}

void checkCompletion(bool withBashCompletion)
{
    ScratchDir dir;
    std::ofstream(dir / "model.pt") << "x";
    fs::create_directory(dir / "lora");
    std::ofstream(dir / "lora" / "adapter_config.json") << "{}";
    EXPECT_EQ(complete({"noisefloor-cli", "co"}, withBashCompletion, dir.path()),
              "collect compare completion ");
    EXPECT_EQ(complete({"noisefloor-cli", "--j"}, withBashCompletion, dir.path()), "--json ");
    EXPECT_EQ(complete({"noisefloor-cli", "run", "--dt"}, withBashCompletion, dir.path()), "--dtype ");
    EXPECT_EQ(complete({"noisefloor-cli", "run", "--dtype", ""}, withBashCompletion, dir.path()),
              "bf16 fp16 fp32 ");
    EXPECT_EQ(complete({"noisefloor-cli", "--db", "x.sqlite", "run", "--decoding", "s"}, withBashCompletion,
                       dir.path()),
              "sample ");
    EXPECT_EQ(complete({"noisefloor-cli", "run", "--model", "mo"}, withBashCompletion, dir.path()),
              "model.pt ");
    // A folder option offers folders only.
    EXPECT_EQ(complete({"noisefloor-cli", "run", "--adapter", ""}, withBashCompletion, dir.path()), "lora ");
    // A number's value is not offered the options.
    EXPECT_EQ(complete({"noisefloor-cli", "run", "--repeats", ""}, withBashCompletion, dir.path()), " ");
    // After submit's `--` come run's options.
    EXPECT_EQ(
        complete({"noisefloor-cli", "submit", "--slurm", "--", "--dev"}, withBashCompletion, dir.path()),
        "--device ");
    EXPECT_EQ(complete({"noisefloor-cli", "submit", "--sl"}, withBashCompletion, dir.path()), "--slurm ");
    EXPECT_EQ(complete({"noisefloor-cli", "export", "--format", ""}, withBashCompletion, dir.path()),
              "csv json jsonl ");
}

TEST_F(Package, BashCompletionOffersCommandsOptionsChoicesAndFiles)
{
    checkCompletion(false);
}

TEST_F(Package, BashCompletionWorksWithBashCompletionsHelpers)
{
    if (!fs::exists("/usr/share/bash-completion/bash_completion"))
        GTEST_SKIP() << "bash-completion is not installed (scripts/setup installs it)";
    checkCompletion(true);
}

TEST_F(Package, ProgramsRunFromTheInstalledLayout)
{
    ScratchDir dir;
    const std::string cli = shellQuote((kRoot / "usr/bin/noisefloor-cli").string());
    const std::string db = shellQuote((dir / "runs.sqlite").string());
    // --version is the engine's: noisefloor-cli finds it in ../libexec/noisefloor.
    const Result version = sh(cli + " --version");
    EXPECT_EQ(version.code, 0) << version.err;
    EXPECT_TRUE(version.out.starts_with("noisefloor " + std::string(NF_VERSION_TEXT))) << version.out;
    const Result import = sh(cli + " --db " + db + " import " +
                             shellQuote(std::string(NF_TEST_DATA_DIR) + "/import/lm-eval/mmlu-small"));
    ASSERT_EQ(import.code, 0) << import.out << import.err;
    const Result list = sh(cli + " --db " + db + " list");
    EXPECT_EQ(list.code, 0) << list.err;
    EXPECT_NE(list.out.find("completed"), std::string::npos) << list.out;

    const fs::path png = dir / "window.png";
    const Result shot = sh("QT_QPA_PLATFORM=offscreen XDG_CONFIG_HOME=" + shellQuote(dir.path().string()) +
                           " " + shellQuote((kRoot / "usr/bin/noisefloor").string()) + " --db " + db +
                           " --screenshot " + shellQuote(png.string()));
    EXPECT_EQ(shot.code, 0) << shot.err;
    EXPECT_GT(fs::exists(png) ? fs::file_size(png) : 0, 10000u) << shot.err;

    // The engine the desktop program loads to evaluate: every symbol it needs resolves.
    const Result engine =
        sh("ldd -r " + shellQuote((kRoot / "usr" / NF_ENGINE_INSTALL_DIR / "libnoisefloor-engine.so").string()));
    EXPECT_EQ(engine.code, 0) << engine.err;
    EXPECT_EQ(engine.out.find("not found"), std::string::npos) << engine.out;
    EXPECT_EQ((engine.out + engine.err).find("undefined symbol"), std::string::npos)
        << engine.out << engine.err;
}

TEST_F(Package, MimeTypeKnowsANoisefloorDatabaseByItsContent)
{
    // A MIME database of freedesktop.org's types and the package's, as update-mime-database makes
    // it where the package is installed; Qt reads it through XDG_DATA_DIRS.
    ScratchDir dir;
    fs::create_directories(dir / "mime/packages");
    fs::copy_file("/usr/share/mime/packages/freedesktop.org.xml", dir / "mime/packages/freedesktop.org.xml");
    fs::copy_file(kRoot / "usr/share/mime/packages" / (kId + ".xml"), dir / "mime/packages" / (kId + ".xml"));
    const Result update = sh("XDG_DATA_DIRS=" + shellQuote(dir.path().string()) + " update-mime-database " +
                             shellQuote((dir / "mime").string()));
    ASSERT_EQ(update.code, 0) << update.err;
    ASSERT_EQ(update.err, "") << "update-mime-database warns about the package's MIME type";
    setenv("XDG_DATA_DIRS", dir.path().c_str(), 1);
    setenv("XDG_DATA_HOME", (dir / "none").c_str(), 1);

    // Named as no extension would tell: only the content can.
    const fs::path ours = dir / "evaluations.bin";
    {
        nf::store::Store store(ours);
    }
    const fs::path other = dir / "other.bin";
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(other.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES (1);", nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);

    const QMimeDatabase mime;
    const QMimeType oursType =
        mime.mimeTypeForFile(QString::fromStdString(ours.string()), QMimeDatabase::MatchContent);
    EXPECT_EQ(oursType.name().toStdString(), "application/x-noisefloor-database");
    EXPECT_TRUE(oursType.inherits(QStringLiteral("application/vnd.sqlite3")))
        << "other SQLite tools still open it";
    EXPECT_EQ(oursType.iconName().toStdString(), kId);
    EXPECT_EQ(mime.mimeTypeForFile(QString::fromStdString(other.string()), QMimeDatabase::MatchContent)
                  .name()
                  .toStdString(),
              "application/vnd.sqlite3")
        << "another program's SQLite file is not ours";
}

} // namespace
