using AccountabilityDsl.Cli.Tests.Infrastructure;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Cli.Tests;

/// <summary><c>ownerc lsp</c> on the command line; the server itself is tested in AccountabilityDsl.LanguageServer.Tests.</summary>
public class LanguageServerCommandTests
{

    [Fact]
    public void An_unknown_argument_is_bad_usage()
    {
        CliResult result = Ownerc.Run("lsp", "--tcp");
        result.ExitCode.ShouldBe(2);
        result.Stderr.ShouldBe("ownerc: error: 'ownerc lsp' takes no argument '--tcp'\nhint: editors start it as 'ownerc lsp'; see docs/editors.md\n");
    }
}
