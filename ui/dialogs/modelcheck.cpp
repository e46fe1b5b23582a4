#include "dialogs/modelcheck.h"

#include "common/error.h"
#include "engine/engine.h"
#include "engine/hf_model.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace nf::ui {
namespace {

// Prompts a form without a language-model config is sized for.
constexpr int64_t kDefaultPromptTokens = 1024;

[[noreturn]] void fail(const QString& message)
{
    throw InputError(message.toStdString());
}

} // namespace

bool isModelFolder(const QString& path)
{
    return !path.isEmpty() && QFileInfo(path).isDir() &&
           QFileInfo(QDir(path), QStringLiteral("config.json")).isFile();
}

bool isAdapterFolder(const QString& path)
{
    return !path.isEmpty() && QFileInfo(path).isDir() &&
           QFileInfo(QDir(path), QStringLiteral("adapter_config.json")).isFile();
}

int64_t promptTokensFor(const engine::EvalConfig& config)
{
    return config.lm ? config.lm->maxLength : kDefaultPromptTokens;
}

QString checkModelFields(const QString& modelPath, const QString& adapterPath,
                         const engine::EvalConfig& config, bool onThisMachine)
{
    if (modelPath.isEmpty())
        fail(QStringLiteral(
            "Model file or folder: choose a Hugging Face model folder (Folder…) or a TorchScript "
            "model (.pt, Browse…), or drop one on this dialog"));
    const QFileInfo model(modelPath);
    if (!model.exists())
        fail(QStringLiteral("Model not found: %1").arg(modelPath));
    if (model.isDir() && !isModelFolder(modelPath))
        fail(QStringLiteral("Model: %1 is a folder without config.json; choose a Hugging Face model folder "
                            "(config.json and safetensors weights) or a TorchScript model file (.pt)")
                 .arg(QDir::toNativeSeparators(modelPath)));
    if (!adapterPath.isEmpty()) {
        if (!QFileInfo(adapterPath).isDir())
            fail(QStringLiteral("Adapter folder not found: %1").arg(adapterPath));
        if (!model.isDir())
            fail(QStringLiteral("Adapter: a LoRA adapter applies to a Hugging Face model folder, not to a "
                                "TorchScript file (%1); clear the adapter or choose the base model's folder")
                     .arg(model.fileName()));
    }
    if (!model.isDir() || !onThisMachine)
        return {};

    const auto info = engine::inspectModelFolder(QFile::encodeName(modelPath).toStdString(),
                                                 QFile::encodeName(adapterPath).toStdString(), config,
                                                 promptTokensFor(config),
                                                 engine::loadEngine().resolveDevice(config.device));
    const QString summary = QString::fromStdString(info.summary());
    // Weights that cannot fit never will; a batch is sized here for prompts of the full max length,
    // and the run checks again with the task's real prompts before it starts.
    if (info.availableBytes && info.weightBytes > *info.availableBytes)
        fail(QStringLiteral("Model: does not fit: %1. Choose bfloat16 or another device").arg(summary));
    if (!info.fits())
        return summary + QStringLiteral(". A batch of %1-token prompts may not fit: the run checks the task's "
                                        "own prompts before it starts (a smaller batch size or max length helps)")
                             .arg(promptTokensFor(config));
    return summary;
}

} // namespace nf::ui
