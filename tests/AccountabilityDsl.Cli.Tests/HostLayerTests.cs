using AccountabilityDsl.Cli.Tests.Infrastructure;

namespace AccountabilityDsl.Cli.Tests;

/// <summary>
/// Every command reads its inputs through the one host layer (PolicyWorkspace): on a FIFO, a
/// folder named like a policy, a missing file and invalid UTF-8 each answers quickly, in the same
/// words and with the same exit code (2 for what cannot be read, 1 with OWN0001 for content).
/// And a policy of several files goes through every command as one policy.
/// </summary>
public sealed class HostLayerTests
{
    /// <summary>Each command with the arguments it needs besides its input.</summary>
    public static TheoryData<string[]> Commands() =>
    [
        ["check"],
        ["generate", "-o", "out"],
        ["matrix"],
        ["explain", "--segment", "Retail", "--stage", "Active"],
        ["fmt", "--check"],
    ];

    /// <summary>
    /// How soon a FIFO must be turned down, from the moment the command starts running. Only a FIFO
    /// (or a device) can block a reader forever, so only there is a quick answer the point; the
    /// command's code is warmed up first, so that what is timed is the refusal, not JIT and not the
    /// wait for a thread on a loaded machine (a bound over all of that failed at load 25). A reader
    /// that blocks never answers at all, so this still fails on a real hang.
    /// </summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(2);

    /// <summary>Inputs that cannot block (missing, a folder, bad bytes) need only an answer: this catches a hang, not slowness.</summary>
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(60);

    [Theory]
    [MemberData(nameof(Commands))]
    public void Unreadable_inputs_get_the_same_words_and_exit_code_2_from_every_command(string[] command)
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(Path.Combine(temp.Path, "dir.owner"));
        Answer(temp.Path, [.. command, "missing.owner"]).ShouldBe(new CliResult(2, "", "ownerc: error: no such file or folder: 'missing.owner'\n"));
        Answer(temp.Path, [.. command, "dir.owner"]).ShouldBe(new CliResult(2, "", "ownerc: error: no .owner files found in folder 'dir.owner'\n"));
        if (OperatingSystem.IsLinux())
        {
            HostileInputCliTests.MakeFifo(Path.Combine(temp.Path, "pipe.owner"));
            PromptAnswer(temp.Path, [.. command, "pipe.owner"]).ShouldBe(
                new CliResult(2, "", "ownerc: error: cannot read 'pipe.owner': it is a FIFO (named pipe), not a regular file\n"));
        }
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Invalid_utf8_is_OWN0001_for_every_command_never_an_answer(string[] command)
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(Path.Combine(temp.Path, "bad.owner"),
            [.. "policy Bad\nstages Active\nsegment Retail\nowner O\naccountable O for * at *\n// caf"u8, 0xE9, 0xFF, (byte)'\n']);

        CliResult result = Answer(temp.Path, [.. command, "bad.owner"]);
        result.ExitCode.ShouldBe(1);
        (result.Stdout + result.Stderr).ShouldContain("bad.owner(6,");
        (result.Stdout + result.Stderr).ShouldContain("error OWN0001: ");
        Directory.Exists(Path.Combine(temp.Path, "out")).ShouldBeFalse();
    }

    [Fact]
    public void A_policy_of_several_files_goes_through_every_command_as_one_policy()
    {
        const string Folder = "samples/high-street-bank";
        Ownerc.Run("check", Folder).ShouldBe(new CliResult(0, "no problems found in 3 files\n", ""));
        Ownerc.Run("check", $"{Folder}/offers/boats.owner", "--format", "msbuild").Stdout.ShouldContain("error OWN0002: unknown owner 'BoatLoanProductManager'");

        using var temp = new TempFolder();
        CliResult generated = Ownerc.Run("generate", Folder, "-o", Path.Combine(temp.Path, "out"));
        generated.ExitCode.ShouldBe(0, generated.Stderr);
        generated.Stdout.ShouldEndWith("HighStreetBankPolicy.g.cs\n");
        string source = File.ReadAllText(Path.Combine(temp.Path, "out", "HighStreetBankPolicy.g.cs"));
        source.ShouldContain("BoatLoan");
        source.ShouldContain("Remortgage");

        CliResult matrix = Ownerc.Run("matrix", Folder, "--format", "markdown");
        matrix.ExitCode.ShouldBe(0, matrix.Stderr);
        matrix.Stdout.ShouldContain("# Accountability matrix: HighStreetBank");

        CliResult cell = Ownerc.Run("explain", Folder, "--segment", "Affluent", "--stage", "Active");
        cell.ShouldBe(new CliResult(0,
            "Segment Affluent at Active: AffluentSegmentManager is accountable.\n"
            + "  line 34 of core.owner: accountable AffluentSegmentManager for Affluent              at Onboarding..Retention\n", ""));

        CliResult two = Ownerc.Run("matrix", Folder, "samples/retail-bank.owner");
        two.ExitCode.ShouldBe(2);
        two.Stderr.ShouldBe("ownerc: error: the files hold 2 policies (HighStreetBank, RetailBank); 'ownerc matrix' takes the file or files of one policy\n");
    }

    /// <summary>Runs ownerc in process; fails if it does not answer within <see cref="NoHang"/>.</summary>
    private static CliResult Answer(string directory, params string[] args)
    {
        var run = Task.Factory.StartNew(() => Ownerc.RunIn(directory, args), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        run.Wait(NoHang).ShouldBeTrue($"ownerc {string.Join(' ', args)} did not answer within {NoHang}: it hangs");
        return run.Result;
    }

    /// <summary>
    /// Runs ownerc in process on an input a read could block on; fails when it has not answered
    /// <see cref="Bound"/> after the command started running. The same command first runs on a
    /// missing file, so its code is compiled and loaded before the timed run.
    /// </summary>
    private static CliResult PromptAnswer(string directory, params string[] args)
    {
        Answer(directory, [.. args[..^1], "missing.owner"]);
        using var started = new ManualResetEventSlim();
        var run = Task.Factory.StartNew(
            () =>
            {
                started.Set();
                return Ownerc.RunIn(directory, args);
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        started.Wait(NoHang).ShouldBeTrue("the command's thread did not start");
        run.Wait(Bound).ShouldBeTrue($"ownerc {string.Join(' ', args)} did not answer within {Bound} of starting: a read blocks on the FIFO");
        return run.Result;
    }
}
