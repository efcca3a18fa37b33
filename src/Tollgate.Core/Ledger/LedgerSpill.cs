using System.Globalization;
using System.Text;
using System.Text.Json;
using Tollgate.Ledger;

namespace Tollgate.Core.Ledger;

/// <summary>
/// The spill directory: ledger records that could not be stored, as JSON lines in <c>ledger-*.jsonl</c> files that the
/// writer replays and deletes once stored.
/// </summary>
/// <remarks>
/// Thread-safe: the request path (a full queue) and the writer both append, under one lock, to the current file, which
/// is flushed to disk before <see cref="Append"/> returns. <see cref="Seal"/> closes it, so every file it lists is
/// complete and no longer written. File names sort in creation order.
/// </remarks>
internal sealed class LedgerSpill : IDisposable
{
    internal const string Pattern = "ledger-*.jsonl";

    private readonly string _directory;
    private readonly int _maxRecordsPerFile;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private StreamWriter? _current;
    private int _currentCount;
    private int _fileCounter;
    private volatile bool _hasFiles;

    internal LedgerSpill(string directory, int maxRecordsPerFile, TimeProvider time)
    {
        _directory = Path.GetFullPath(directory);
        _maxRecordsPerFile = maxRecordsPerFile;
        _time = time;
        _hasFiles = Directory.Exists(_directory) && Directory.EnumerateFiles(_directory, Pattern).Any();
    }

    /// <summary>Whether spill files may be waiting to be replayed.</summary>
    internal bool HasFiles => _hasFiles;

    /// <summary>The directory's full path.</summary>
    internal string DirectoryPath => _directory;

    /// <summary>Appends records to the current spill file and flushes them to disk. Throws when the disk refuses.</summary>
    internal void Append(IReadOnlyList<LedgerRecord> records)
    {
        if (records.Count == 0)
        {
            return;
        }

        lock (_lock)
        {
            try
            {
                AppendLocked(records);
            }
            catch
            {
                // A half-written file is closed so the next append starts a fresh one; its whole lines still replay.
                try
                {
                    CloseCurrent();
                }
                catch (IOException)
                {
                    // The disk refused the close too; the first error is the one to report.
                }

                throw;
            }
        }
    }

    private void AppendLocked(IReadOnlyList<LedgerRecord> records)
    {
        foreach (var record in records)
        {
            if (_current is null || _currentCount >= _maxRecordsPerFile)
            {
                CloseCurrent();
                _current = CreateFile();
                _currentCount = 0;
                _hasFiles = true;
            }

            _current.WriteLine(JsonSerializer.Serialize(record, LedgerJsonContext.Default.LedgerRecord));
            _currentCount++;
        }

        _current!.Flush();
        ((FileStream)_current.BaseStream).Flush(flushToDisk: true);
    }

    /// <summary>Closes the current file and lists every spill file, oldest first; later appends start a new file.</summary>
    internal IReadOnlyList<string> Seal()
    {
        lock (_lock)
        {
            CloseCurrent();
            if (!Directory.Exists(_directory))
            {
                _hasFiles = false;
                return [];
            }

            var files = Directory.GetFiles(_directory, Pattern);
            Array.Sort(files, StringComparer.Ordinal);
            _hasFiles = files.Length > 0;
            return files;
        }
    }

    /// <summary>Removes a replayed file; one with unreadable lines is kept as <c>*.bad</c> for a person to look at.</summary>
    internal static void Finish(string path, bool hadUnreadableLines)
    {
        if (hadUnreadableLines)
        {
            File.Move(path, path + ".bad", overwrite: true);
        }
        else
        {
            File.Delete(path);
        }
    }

    /// <summary>Notes that every sealed file was replayed: only a file started since then is still waiting.</summary>
    internal void MarkReplayed()
    {
        lock (_lock)
        {
            _hasFiles = _current is not null;
        }
    }

    /// <summary>Reads one line back; <see langword="false"/> for a line that is not a whole record (cut short by a crash).</summary>
    internal static bool TryParse(string line, out LedgerRecord record)
    {
        try
        {
            record = JsonSerializer.Deserialize(line, LedgerJsonContext.Default.LedgerRecord)!;
            return record is not null;
        }
        catch (JsonException)
        {
            record = null!;
            return false;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            CloseCurrent();
        }
    }

    private StreamWriter CreateFile()
    {
        Directory.CreateDirectory(_directory);
        while (true)
        {
            var name = string.Create(CultureInfo.InvariantCulture,
                $"ledger-{_time.GetUtcNow().ToUnixTimeMilliseconds():D13}-{Environment.ProcessId}-{++_fileCounter:D6}.jsonl");
            try
            {
                var stream = new FileStream(Path.Combine(_directory, name), FileMode.CreateNew, FileAccess.Write, FileShare.Read);
                return new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            }
            catch (IOException) when (File.Exists(Path.Combine(_directory, name)))
            {
                // Another writer (a second process on the same directory) took the name: try the next one.
            }
        }
    }

    private void CloseCurrent()
    {
        var current = _current;
        _current = null;
        _currentCount = 0;
        current?.Dispose();
    }
}
