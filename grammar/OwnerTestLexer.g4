// Lexer for `.owner-test` files: policy unit tests (see docs/testing.md). A second grammar next
// to the policy language's, compiled at build time the same way; names and literals are spelt
// as in `.owner` files.
lexer grammar OwnerTestLexer;

TEST        : 'test';
FOR         : 'for';
CUSTOMER    : 'customer';
EXPECT      : 'expect';
ACCOUNTABLE : 'accountable';
SEGMENTS    : 'segments';
NOBODY      : 'nobody';
NONE        : 'none';
AND         : 'and';
AT          : 'at';
OFFER       : 'offer';
CONTACT     : 'contact';
EVENT       : 'event';
TO          : 'to';
VIA         : 'via';
CATEGORY    : 'category';
ALLOWED     : 'allowed';
DENIED      : 'denied';
BY          : 'by';
LINE        : 'line';
RETRY       : 'retry';
IN          : 'in';
HOUSEHOLD   : 'household';
CONSENT     : 'consent';
TRUE        : 'true';
FALSE       : 'false';

DATE        : [0-9] [0-9] [0-9] [0-9] '-' [0-9] [0-9] '-' [0-9] [0-9];
TIME        : [0-9] [0-9] ':' [0-9] [0-9];
NUMBER      : '-'? [0-9]+ ('.' [0-9]+)?;

DOTDOT      : '..';
COLON       : ':';
COMMA       : ',';
EQUALS      : '=';
SLASH       : '/';

// A policy file, as `denied by retail-bank.owner line 12` names it: relative to the test file's folder.
POLICY_FILE : [A-Za-z0-9_] [A-Za-z0-9_.\-/]* '.owner';

IDENTIFIER  : [A-Za-z_] [A-Za-z0-9_]*;
STRING      : '"' ( '\\' ~[\r\n] | ~["\\\r\n] )* '"';
UNTERMINATED_STRING : '"' ( '\\' ~[\r\n] | ~["\\\r\n] )*;

LINE_COMMENT  : '//' ~[\r\n]* -> channel(HIDDEN);
WHITESPACE  : [ \t\r\n\f\u000B]+ -> skip;

UNEXPECTED_CHARACTER : .;
