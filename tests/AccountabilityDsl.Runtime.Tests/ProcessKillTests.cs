using System.Diagnostics;
using AccountabilityDsl.Runtime;

namespace AccountabilityDsl.Runtime.Tests;

/// <summary>Durability and multi-process safety of <see cref="SqliteContactLedger"/> with real child processes.</summary>
public sealed class ProcessKillTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ledger-kill-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    internal static string WriterPath()
    {
        // .../tests/AccountabilityDsl.Runtime.Tests/bin/<Configuration>/net10.0/ → the Writer's output, same configuration.
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = here.Name;
        var configuration = here.Parent!.Name;
        var tests = here.Parent!.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(tests, "AccountabilityDsl.Runtime.Tests.Writer", "bin", configuration, tfm, "AccountabilityDsl.Runtime.Tests.Writer.dll");
        File.Exists(path).ShouldBeTrue($"writer not built at {path}");
        return path;
    }

    internal static Process StartWriter(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(WriterPath());
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        return Process.Start(info)!;
    }

    [Fact]
    public void Killing_a_writer_mid_stream_loses_no_confirmed_commit()
    {
        var db = Path.Combine(_dir, "kill.db");
        const int confirmedBeforeKill = 300;
        using var writer = StartWriter(db, "stream");
        var confirmed = new List<string>();
        try
        {
            writer.StandardOutput.ReadLine().ShouldBe("ready");
            while (confirmed.Count < confirmedBeforeKill)
            {
                var line = writer.StandardOutput.ReadLine();
                if (line is null)
                {
                    throw new InvalidOperationException("writer exited early: " + writer.StandardError.ReadToEnd());
                }
                confirmed.Add(line);
            }
        }
        finally
        {
            writer.Kill(entireProcessTree: true);
            writer.WaitForExit();
        }
        // Lines the writer printed before it died were also confirmed (Commit had returned); a torn last line was not.
        var rest = writer.StandardOutput.ReadToEnd().Split('\n');
        confirmed.AddRange(rest[..^1].Where(l => l.Length > 0));
        writer.ExitCode.ShouldNotBe(0);

        using var ledger = new SqliteContactLedger(db);
        var missing = confirmed.Where(key =>
        {
            var i = int.Parse(key[1..], System.Globalization.CultureInfo.InvariantCulture);
            return ledger.Find("c" + (i % 97), key) is not { IsCommitted: true };
        }).ToList();
        missing.ShouldBeEmpty();
        confirmed.Count.ShouldBeGreaterThanOrEqualTo(confirmedBeforeKill);
    }

    [Fact]
    public async Task Two_processes_never_exceed_one_shared_cap()
    {
        var db = Path.Combine(_dir, "shared.db");
        using (new SqliteContactLedger(db))
        {
            // Create the schema before both writers start.
        }
        using var a = StartWriter(db, "capped", "2000");
        using var b = StartWriter(db, "capped", "2000");
        var outA = a.StandardOutput.ReadToEndAsync();
        var outB = b.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await a.WaitForExitAsync(timeout.Token);
        await b.WaitForExitAsync(timeout.Token);
        a.ExitCode.ShouldBe(0, a.StandardError.ReadToEnd());
        b.ExitCode.ShouldBe(0, b.StandardError.ReadToEnd());
        var granted = (await outA + await outB).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l is not "ready" and not "done").ToList();
        granted.Count.ShouldBe(25);
        using var ledger = new SqliteContactLedger(db);
        ledger.Measure(new CountConstraint(new ContactFilter("shared-customer", null, null, false), 0, 25), DateTimeOffset.UtcNow.UtcTicks)
            .Count.ShouldBe(25);
    }
}
