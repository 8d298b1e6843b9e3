// Parser for `.owner-test` files. The parse tree stops at src/AccountabilityDsl/Testing
// (TestFileParser turns it into the immutable test syntax model). Each step starts with its own
// keyword, so a broken line does not take the next one with it.
parser grammar OwnerTestParser;

options { tokenVocab = OwnerTestLexer; }

testFile : testCase* EOF;

testCase : TEST STRING (FOR name)? step*;

step
    : customerStep
    | expectAccountable
    | expectSegments
    | contactStep
    ;

customerStep : CUSTOMER customerValue (COMMA customerValue)*;
customerValue : name EQUALS value;
value
    : NUMBER                                   #numberValue
    | (TRUE | FALSE)                           #boolValue
    | name                                     #nameValue
    ;

// Several owners joined by 'and' pin a known conflict; 'nobody' a known vacuum.
expectAccountable : EXPECT ACCOUNTABLE (NOBODY | name (AND name)*) AT stageRange (COMMA stageRange)*;
stageRange : name (DOTDOT name)?;

expectSegments : EXPECT SEGMENTS (NONE | name (COMMA name)*);

contactStep : AT DATE TIME? zone? COLON action (COLON outcome)?;
zone : IDENTIFIER (SLASH IDENTIFIER)*;

action
    : OFFER name TO name VIA name (CATEGORY name)? customerFacts   #offerAction
    | CONTACT name VIA name (CATEGORY name)? customerFacts         #contactAction
    | EVENT name FOR name                                          #eventAction
    ;

// What the language v2 contact rules read about the customer, each optional, in any order (each
// at most once: the parser says so): segments (limits scoped 'in'), stage (limits scoped 'at'),
// household ('per household') and the channels the customer consented to ('requires consent').
customerFacts : customerFact*;
customerFact
    : IN (NONE | name (COMMA name)*)
    | AT name
    | HOUSEHOLD name
    | CONSENT (NONE | name (COMMA name)*)
    ;

outcome
    : ALLOWED                                                    #allowedOutcome
    | DENIED (BY POLICY_FILE? LINE NUMBER)? (COMMA? RETRY DATE TIME?)?   #deniedOutcome
    ;

// A declared name may be spelt like a keyword of test files (an attribute called `line`).
name
    : IDENTIFIER | TEST | FOR | CUSTOMER | EXPECT | ACCOUNTABLE | SEGMENTS | OFFER | CONTACT
    | EVENT | TO | VIA | CATEGORY | ALLOWED | DENIED | BY | LINE | RETRY | IN | HOUSEHOLD | CONSENT
    ;
