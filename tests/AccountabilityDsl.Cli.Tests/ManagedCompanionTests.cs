using AccountabilityDsl.Cli.Commands;

namespace AccountabilityDsl.Cli.Tests;

/// <summary>
/// The managed build runs every command itself; the native ownerc's forwarding (ManagedCompanion)
/// is exercised end to end by NativeToolTests on the installed tool. Here: the switch's default,
/// and what a forwarded command says when the companion is not where the package puts it.
/// </summary>
public class ManagedCompanionTests
{
    [Fact]
    public void The_managed_build_runs_serve_lsp_and_ledger_in_process()
    {
        ManagedCompanion.AllCommandsInProcess.ShouldBeTrue();
        CommandLine.Commands.OfType<ForwardedCommand>().ShouldBeEmpty();
        CommandLine.Commands.Select(c => c.GetType()).ShouldContain(typeof(ServeCommand));
    }

    [Fact]
    public void A_forwarded_command_without_its_companion_is_one_clear_error_and_exit_2()
    {
        // The test host's folder has no managed/ownerc.dll: as a damaged install would not.
        var stdout = new StringWriter();
        var stderr = new StringWriter { NewLine = "\n" };
        var forwarded = new ForwardedCommand(ServeCommand.CommandName, ServeCommand.CommandSummary);

        int exitCode = forwarded.Run(["samples/retail-bank.owner"], new CommandContext(stdout, stderr, Environment.CurrentDirectory, UseColor: false));

        exitCode.ShouldBe(ExitCodes.BadUsageOrInput);
        stdout.ToString().ShouldBeEmpty();
        string[] lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(2, stderr.ToString());
        lines[0].ShouldStartWith("ownerc: error: 'ownerc serve' runs on the .NET runtime, but this native ownerc has no managed companion at '");
        lines[0].ShouldEndWith(Path.Combine("managed", "ownerc.dll") + "'");
        lines[1].ShouldStartWith("hint: reinstall the tool");
    }
}
