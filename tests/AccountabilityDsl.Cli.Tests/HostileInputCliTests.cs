using System.Diagnostics;
using System.Globalization;
using System.Text;
using AccountabilityDsl.Cli.Tests.Infrastructure;

namespace AccountabilityDsl.Cli.Tests;

/// <summary>
/// Inputs that break naive file handling, through <c>ownerc check</c> as CI runs it: as root, so
/// <c>chmod 000</c> proves nothing and the unreadable cases are the ones permissions cannot
/// stop (broken links, FIFOs, devices, kernel files). Each must end in one clear
/// <c>ownerc: error: …</c> line or a diagnostic, the right exit code, no stack trace and no hang.
/// Covered elsewhere and not repeated here: link loops between folders, unreadable folders and
/// files for non-root users, a file deleted between search and read (<see cref="InputTests"/>).
/// </summary>
[Trait("Category", "Slow")]
public sealed class HostileInputCliTests
{
    /// <summary>Generous: each case finishes in milliseconds unless it hangs.</summary>
    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(60);

    [Fact]
    public void A_dangling_symbolic_link_named_like_a_policy_is_a_read_error()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var temp = new TempFolder();
        temp.Write("ok.owner", Policies.Valid);
        File.CreateSymbolicLink(Path.Combine(temp.Path, "x.owner"), Path.Combine(temp.Path, "missing-target.owner"));

        CliResult result = RunWithin(temp.Path, "check", ".");
        result.ExitCode.ShouldBe(2);
        result.Stderr.ShouldBe("ownerc: error: cannot read './x.owner': it is a broken symbolic link (its target does not exist or is a link loop)\n");
        result.Stdout.ShouldBe("no problems found in 1 file\n");

        RunWithin(temp.Path, "check", "x.owner").ShouldBe(new CliResult(2, "",
            "ownerc: error: cannot read 'x.owner': it is a broken symbolic link (its target does not exist or is a link loop)\n"));
    }

    [Fact]
    public void A_file_symbolic_link_loop_is_a_read_error()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var temp = new TempFolder();
        File.CreateSymbolicLink(Path.Combine(temp.Path, "a.owner"), "b.owner");
        File.CreateSymbolicLink(Path.Combine(temp.Path, "b.owner"), "a.owner");

        CliResult result = RunWithin(temp.Path, "check", ".");
        result.ExitCode.ShouldBe(2);
        result.Stdout.ShouldBeEmpty();
        result.Stderr.ShouldBe(
            "ownerc: error: cannot read './a.owner': it is a broken symbolic link (its target does not exist or is a link loop)\n"
            + "ownerc: error: cannot read './b.owner': it is a broken symbolic link (its target does not exist or is a link loop)\n");
    }

    [Fact]
    public void A_fifo_named_like_a_policy_is_reported_without_blocking()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // The kernel file-type check is Linux-only; elsewhere a FIFO is read as before.
        }

        using var temp = new TempFolder();
        temp.Write("ok.owner", Policies.Conflict);
        MakeFifo(Path.Combine(temp.Path, "x.owner"));

        // Nobody ever writes to the FIFO: opening it to read would block for ever.
        CliResult result = RunWithin(temp.Path, "check", ".", "--format", "msbuild");
        result.ExitCode.ShouldBe(2);
        result.Stderr.ShouldBe("ownerc: error: cannot read './x.owner': it is a FIFO (named pipe), not a regular file\n");
        result.Stdout.ShouldStartWith("./ok.owner(8,1,8,41): error OWN0102");

        RunWithin(temp.Path, "check", "x.owner").ShouldBe(new CliResult(2, "",
            "ownerc: error: cannot read 'x.owner': it is a FIFO (named pipe), not a regular file\n"));
        CliResult generate = RunWithin(temp.Path, "generate", "x.owner", "-o", "out");
        generate.ExitCode.ShouldBe(2);
        generate.Stderr.ShouldBe("ownerc: error: cannot read 'x.owner': it is a FIFO (named pipe), not a regular file\n");
        Directory.Exists(Path.Combine(temp.Path, "out")).ShouldBeFalse();
    }

    [Fact]
    public void Character_devices_and_kernel_files_are_refused_or_reported()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // /dev/zero never ends: reading it would fill memory.
        RunWithin(Path.GetTempPath(), "check", "/dev/zero").ShouldBe(new CliResult(2, "",
            "ownerc: error: cannot read '/dev/zero': it is a character device, not a regular file\n"));

        // /proc/self/mem is a "regular" file of size 0 whose first page cannot be read.
        CliResult mem = RunWithin(Path.GetTempPath(), "check", "/proc/self/mem");
        mem.ExitCode.ShouldBe(2);
        mem.Stdout.ShouldBeEmpty();
        mem.Stderr.ShouldStartWith("ownerc: error: cannot read '/proc/self/mem': ");
        mem.Stderr.Count(c => c == '\n').ShouldBe(1);
        mem.Stderr.ShouldNotContain(" at ");

        // A kernel text file that reads as text: diagnostics, not a crash.
        CliResult status = RunWithin(Path.GetTempPath(), "check", "/proc/self/status", "--format", "msbuild");
        status.ExitCode.ShouldBe(1);
        status.Stdout.ShouldContain("/proc/self/status(1,1");
        status.Stderr.ShouldBeEmpty();
    }

    [Fact]
    public void A_folder_named_like_a_policy_is_searched_not_read()
    {
        using var temp = new TempFolder();
        temp.Write("y.owner/inner.owner", Policies.Conflict);
        Directory.CreateDirectory(Path.Combine(temp.Path, "empty.owner"));

        CliResult result = RunWithin(temp.Path, "check", ".", "--format", "msbuild");
        result.ExitCode.ShouldBe(1);
        result.Stderr.ShouldBeEmpty();
        result.Stdout.ShouldStartWith("./y.owner/inner.owner(8,1,8,41): error OWN0102");

        // Every command takes folders the same way (a policy may be made of several files).
        foreach (string[] command in (string[][])[["check"], ["generate", "-o", "out"], ["matrix"], ["explain", "--segment", "Retail", "--stage", "Active"], ["fmt", "--check"]])
        {
            RunWithin(temp.Path, [.. command, "empty.owner"]).ShouldBe(new CliResult(2, "", "ownerc: error: no .owner files found in folder 'empty.owner'\n"));
        }

        CliResult generate = RunWithin(temp.Path, "generate", "y.owner", "-o", "out");
        generate.ExitCode.ShouldBe(1);
        generate.Stdout.ShouldContain("OWN0102");
    }

    [Fact]
    public void Five_thousand_policies_are_all_checked_in_a_deterministic_order()
    {
        using var temp = new TempFolder();
        const int count = 5_000;
        var expectedErrors = new List<string>();
        for (int i = 0; i < count; i++)
        {
            // Every seventh file has a conflict (OWN0102); the rest are clean.
            string name = string.Create(CultureInfo.InvariantCulture, $"d{i % 10}/p{i}.owner");
            bool broken = i % 7 == 0;
            // One policy per file: files that name the same policy would be checked as one policy.
            string policy = string.Create(CultureInfo.InvariantCulture, $"policy P{i}");
            temp.Write(name, (broken ? Policies.Conflict.Replace("policy Conflict", policy) : Policies.Valid.Replace("policy Demo", policy)));
            if (broken)
            {
                expectedErrors.Add("./" + name);
            }
        }

        // Read and checked in parallel on every core (PolicyWorkspace); the output must not show it.
        CliResult first = RunWithin(temp.Path, "check", ".", "--format", "msbuild");
        CliResult second = RunWithin(temp.Path, "check", ".", "--format", "msbuild");
        first.ShouldBe(second);
        first.ExitCode.ShouldBe(1);
        first.Stderr.ShouldBeEmpty();
        string[] files = [.. first.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[..l.IndexOf('(', StringComparison.Ordinal)])];
        files.ShouldBe([.. expectedErrors.Order(StringComparer.Ordinal)]);

        CliResult json = RunWithin(temp.Path, "check", ".", "--format", "json");
        json.Stdout.ShouldContain($"\"files\": {count}");
    }

    [Fact]
    public void A_ten_thousand_character_identifier_is_checked()
    {
        using var temp = new TempFolder();
        string name = "S" + new string('x', 9_999);
        temp.Write("long.owner", $"policy Long\nstages A -> B\nsegment {name}\nowner {name}\naccountable {name} for {name} at *\n");
        RunWithin(temp.Path, "check", "long.owner").ShouldBe(new CliResult(0, "no problems found in 1 file\n", ""));

        // And as a wrong reference: the diagnostic names it and the output stays one record per line.
        temp.Write("bad.owner", $"policy Bad\nstages A\nsegment S\nowner O\naccountable O for {name}y at *\n");
        CliResult bad = RunWithin(temp.Path, "check", "bad.owner", "--format", "msbuild");
        bad.ExitCode.ShouldBe(1);
        bad.Stderr.ShouldBeEmpty();
        bad.Stdout.ShouldStartWith("bad.owner(5,19,5,10020): error OWN");
    }

    /// <summary>
    /// 50 MB of valid policy through the whole check (read, parse, bind, every rule) in the
    /// CLI: about 10 s on the 2-core machine (kept: inside the ~30 s budget); the five-minute
    /// bound catches a hang or a quadratic blow-up, not slowness.
    /// </summary>
    [Fact]
    public void A_fifty_megabyte_policy_is_checked_through_the_cli()
    {
        using var temp = new TempFolder();
        var text = new StringBuilder(50 * 1024 * 1024 + 4096);
        text.Append("policy Huge\nstages A -> B -> C\n");
        for (int i = 0; text.Length < 50 * 1024 * 1024; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"owner Team{i} \"Team {i}\"\nsegment Segment{i}\naccountable Team{i} for Segment{i} at *\n");
        }

        File.WriteAllText(Path.Combine(temp.Path, "huge.owner"), text.ToString());
        text.Clear();

        var clock = Stopwatch.StartNew();
        CliResult result = RunWithin(temp.Path, TimeSpan.FromMinutes(5), "check", "huge.owner");
        result.ShouldBe(new CliResult(0, "no problems found in 1 file\n", ""));
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromMinutes(5));
    }

    private static CliResult RunWithin(string directory, params string[] args) => RunWithin(directory, HangBound, args);

    /// <summary>Runs ownerc in process on another thread, failing (rather than hanging the test run) when it does not return.</summary>
    private static CliResult RunWithin(string directory, TimeSpan bound, params string[] args)
    {
        var run = Task.Factory.StartNew(() => Ownerc.RunIn(directory, args), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        run.Wait(bound).ShouldBeTrue($"ownerc {string.Join(' ', args)} did not finish within {bound}");
        CliResult result = run.Result;
        result.Stderr.ShouldNotContain("   at ");
        result.Stdout.ShouldNotContain("   at AccountabilityDsl");
        return result;
    }

    internal static void MakeFifo(string path)
    {
        using var process = Process.Start(new ProcessStartInfo("mkfifo", [path]) { RedirectStandardError = true })!;
        process.WaitForExit();
        process.ExitCode.ShouldBe(0, process.StandardError.ReadToEnd());
    }
}
