#pragma once

// A scratch folder with a tiny image task (4x4 pixels, 3 classes, IDX files) and tiny TorchScript
// classifiers written by the engine's own fixture functions.

#include "core/idx_writer.h"
#include "core/scratch_dir.h"
#include "engine/models.h"

#include <string>

namespace nf::test {

class TinyWorld
{
public:
    explicit TinyWorld(int items = 60)
    {
        std::vector<uint8_t> labels(static_cast<size_t>(items));
        for (int i = 0; i < items; ++i)
            labels[static_cast<size_t>(i)] = static_cast<uint8_t>((i * 7 + i / 5) % 3);
        writeImageTask(m_dir / "images.idx", m_dir / "labels.idx.gz", 4, 4, labels, false);
        // The labels file is gzip-compressed to exercise both readers.
        writeIdx(m_dir / "labels.idx.gz", {static_cast<uint32_t>(items)}, labels, true);
    }

    std::string taskSpec() const
    {
        return "idx:" + (m_dir / "images.idx").string() + "," + (m_dir / "labels.idx.gz").string();
    }

    std::string model(const std::string& name, engine::TinyClassifierSpec spec = {}) const
    {
        const auto path = m_dir / (name + ".pt");
        engine::writeTinyClassifier(path, spec);
        return path.string();
    }

    std::string dropoutModel() const
    {
        engine::TinyClassifierSpec spec;
        spec.dropout = true;
        return model("dropout", spec);
    }

    const std::filesystem::path& dir() const { return m_dir.path(); }
    std::filesystem::path operator/(const std::string& name) const { return m_dir / name; }

private:
    ScratchDir m_dir;
};

} // namespace nf::test
