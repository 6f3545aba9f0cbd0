// The per-epoch training history: a CSV rewritten atomically after every epoch (and read
// back on --resume), and an SVG plot of the loss and accuracy curves.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace tinydigit::trainer {

// One line of history.csv. Accuracies are fractions 0..1; lr is the rate used in the epoch.
struct HistoryRow {
    int epoch = 0;  // 1-based, strictly increasing down the file
    double loss = 0.0;
    double acc = 0.0;
    double val_loss = 0.0;
    double val_acc = 0.0;
    double lr = 0.0;
    double seconds = 0.0;  // the epoch's training steps
    double images_per_s = 0.0;
    // Wall time from the start of the run to the end of this epoch (its precise BN, validation
    // and checkpoints included), summed over the invocations of a resumed run: the time to
    // reach this epoch's validation accuracy. NaN when unknown (files written before it).
    double elapsed_s = 0.0;
    // Validation accuracy of each --data source (runs with several sources; then val_acc and
    // val_loss are the means over the sources).
    std::vector<double> source_val_acc;
};

// A history file that cannot be parsed; what() is "<path>:<line>: <reason>".
class HistoryError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

inline constexpr const char* kHistoryHeader = "epoch,loss,acc,val_loss,val_acc,lr,seconds,images_per_s,elapsed_s";
// The header before elapsed_s; such files are read with elapsed_s NaN.
inline constexpr const char* kHistoryHeaderWithoutElapsed = "epoch,loss,acc,val_loss,val_acc,lr,seconds,images_per_s";

// The CSV text: the header, then one line per row. Numbers are written in their shortest
// form that reads back to the same double (nan/inf as "nan"/"inf"). With source names (a run
// on several --data sources) the header goes on with one "val_acc[NAME]" column per source,
// filled from each row's source_val_acc; without, the file is the 9-column format of
// single-source runs, unchanged.
std::string history_csv(const std::vector<HistoryRow>& rows, const std::vector<std::string>& source_names = {});

// Writes history_csv(rows, source_names) atomically (common::write_file_atomically; throws
// common::IoError).
void write_history_csv(const std::filesystem::path& path, const std::vector<HistoryRow>& rows,
                       const std::vector<std::string>& source_names = {});

// Reads a file written by write_history_csv, bit for bit (per-source columns into
// source_val_acc). Accepts CRLF line ends and a final line without a newline, and the older
// header without elapsed_s (then NaN). Throws common::IoError when unreadable, and
// HistoryError for a wrong header, a line with another number of fields than the header, a
// field that is not a number, or epochs that are not positive and strictly increasing.
std::vector<HistoryRow> read_history_csv(const std::filesystem::path& path);

// The first row whose val_acc reaches `accuracy` (a fraction), or null: with elapsed_s, the
// wall time a run took to get there.
const HistoryRow* first_reaching(const std::vector<HistoryRow>& rows, double accuracy);

// A standalone SVG (900x380): the loss panel on the left, the accuracy panel on the right,
// each with a train and a val polyline (classes "train-loss", "val-loss", "train-acc",
// "val-acc"), ticked and labelled axes and a legend; with source names, one more dotted
// accuracy curve per source (class "val-acc-source", legend "val NAME"). Non-finite values (a
// diverged epoch) are left out of their curve. Any number of rows is valid; with none the
// panels are empty.
std::string history_svg(const std::vector<HistoryRow>& rows, const std::vector<std::string>& source_names = {});

// Writes history_svg(rows, source_names) atomically; throws common::IoError.
void write_history_svg(const std::filesystem::path& path, const std::vector<HistoryRow>& rows,
                       const std::vector<std::string>& source_names = {});

}  // namespace tinydigit::trainer
