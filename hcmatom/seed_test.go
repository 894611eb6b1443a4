package hcmatom_test

// The sample entries of the integration guide (seeds/oracle-hcm-entitlement-integration.txt):
// title, summary and content exactly as the guide prints them.

import "github.com/hrbridge/hrbridge/hcmatom"

type seedEntry struct {
	col     hcmatom.Collection
	title   string
	summary string
	content string
}

var seed = struct {
	hireNewHire       seedEntry
	hireAssignment    seedEntry
	pendingNewHire    seedEntry
	pendingAssignment seedEntry
	rehireNewHire     seedEntry
	rehireAssignment  seedEntry
	convertNewHire    seedEntry
	convertAssignment seedEntry
	primarySwapFirst  seedEntry
	primarySwapSecond seedEntry
	assignmentCreated seedEntry
	promotion         seedEntry
	transfer          seedEntry
	cancel            seedEntry
}{
	hireNewHire: seedEntry{hcmatom.NewHireFeed, "Meyerson, Barbara Hired", "Employee Period of Service Created",
		`{ "Context" : [ { "PeriodOfServiceId" : "300100589785737", "PersonName" : "Meyerson, Barbara", "PersonNumber" : "966169008890206", "PrimaryPhoneNumber" : "", "PersonId" : "300100589785723", "PeriodType" : "E", "WorkerType" : "EMP", "DMLOperation" : "INSERT", "EffectiveStartDate" : "2023-06-29", "EffectiveDate" : "2023-06-29" } ], "Changed Attributes" : [ { "PersonNumber" : "300100589785723" }, { "DateStart" : "2023-06-29" } ] }`},
	hireAssignment: seedEntry{hcmatom.AssignmentFeed, "Meyerson, Barbara's Assignment Created", "Person Contract Created",
		`{ "Context" : [ { "ContractId" : "300100589785746", "PersonName" : "Meyerson, Barbara", "PersonNumber" : "966169008890206", "PrimaryPhoneNumber" : "", "PersonId" : "300100589785723", "PeriodType" : "E", "WorkerType" : "EMP", "DMLOperation" : "INSERT", "AssignmentId" : "300100589785738", "EffectiveDate" : "2023-06-29" } ], "Changed Attributes" : [ { "PeriodOfServiceId" : "300100589785737" } ] }`},
	pendingNewHire: seedEntry{hcmatom.NewHireFeed, "Gainsboro, Jennifer Hired", "Pending Worker Period of Service Created",
		`{ "Context" : [ { "PeriodOfServiceId" : "300100589792532", "PersonName" : "Gainsboro, Jennifer", "PersonNumber" : "966169008890210", "PrimaryPhoneNumber" : "", "PersonNumber" : "300100589792517", "PeriodType" : "P", "WorkerType" : "PWK", "DMLOperation" : "INSERT", "EffectiveStartDate" : "2023-06-29", "EffectiveDate" : "2023-06-29" } ], "Changed Attributes" : [ { "PersonNumber" : "300100589792517" }, { "DateStart" : "2023-06-29" } ] }`},
	pendingAssignment: seedEntry{hcmatom.AssignmentFeed, "Gainsboro, Jennifer's Assignment Created", "Person Contract Created",
		`{ "Context" : [ { "ContractId" : "300100589792542", "PersonName" : "Gainsboro, Jennifer", "PersonNumber" : "966169008890210", "PrimaryPhoneNumber" : "", "PersonId" : "300100589792517", "PeriodType" : "P", "WorkerType" : "PWK", "DMLOperation" : "INSERT", "AssignmentId" : "300100589792533", "EffectiveDate" : "2023-06-29" } ], "Changed Attributes" : [ { "PeriodOfServiceId" : "300100589792532" } ] }`},
	rehireNewHire: seedEntry{hcmatom.NewHireFeed, "Goode, Rachel Hired", "Employee Period of Service Created",
		`{ "Context" : [ { "PeriodOfServiceId" : "300100592814666", "PersonName" : "Goode, Rachel", "PersonNumber" : "966169008890235", "PrimaryPhoneNumber" : "", "PersonId" : "300100591067571", "PeriodType" : "E", "WorkerType" : "EMP", "DMLOperation" : "INSERT", "EffectiveStartDate" : "2023-06-30", "EffectiveDate" : "2023-07-03" } ], "Changed Attributes" : [ { "PersonNumber" : "300100591067571" }, { "DateStart" : "2023-07-03" } ] }`},
	rehireAssignment: seedEntry{hcmatom.AssignmentFeed, "Goode, Rachel's Assignment Created", "Person Contract Created",
		`{ "Context" : [ { "ContractId" : "300100592814675", "PersonName" : "Goode, Rachel", "PersonNumber" : "966169008890235", "PrimaryPhoneNumber" : "", "PersonId" : "300100591067571", "PeriodType" : "E", "WorkerType" : "EMP", "DMLOperation" : "INSERT", "AssignmentId" : "300100592814667", "EffectiveDate" : "2023-07-03" } ], "Changed Attributes" : [ { "PeriodOfServiceId" : "300100592814666" } ] }`},
	convertNewHire: seedEntry{hcmatom.NewHireFeed, "Gainsboro, Jennifer Hired", "Employee Period of Service Created",
		`{ "Context" : [ { "PeriodOfServiceId" : "300100589792959", "PersonName" : "Gainsboro, Jennifer", "PersonNumber" : "966169008890210", "PrimaryPhoneNumber" : "", "PersonId" : "300100589792517", "PeriodType" : "E", "WorkerType" : "EMP", "DMLOperation" : "INSERT", "EffectiveStartDate" : "2023-06-29", "EffectiveDate" : "2023-06-29" } ], "Changed Attributes" : [ { "PersonNumber" : "300100589792517" }, { "DateStart" : "2023-06-29" } ] }`},
	convertAssignment: seedEntry{hcmatom.AssignmentFeed, "Gainsboro, Jennifer's Assignment Created", "Person Contract Created",
		`{ "Context" : [ { "ContractId" : "300100589792969", "PersonName" : "Gainsboro, Jennifer", "PersonNumber" : "966169008890210", "PrimaryPhoneNumber" : "", "PersonId" : "300100589792517", "PeriodType" : "E", "WorkerType" : "EMP", "DMLOperation" : "INSERT", "AssignmentId" : "300100589792960", "EffectiveDate" : "2023-06-29" } ], "Changed Attributes" : [ { "PeriodOfServiceId" : "300100589792959" } ] }`},
	primarySwapFirst: seedEntry{hcmatom.WorkRelationshipFeed, "Gomez, Joe Work Relationship Updated", "Employee Work Relationship Updated",
		`{ "Context" : [ { "PeriodOfServiceId" : "300100575314782", "PersonName" : "Gomez, Joe", "PersonNumber" : "966169008890196", "WorkEmail" : "sendmail-test-discard@oracle.com", "PrimaryPhoneNumber" : "966 016 7283904", "PersonId" : "300100575314616", "PeriodType" : "E", "WorkerType" : "EMP", "DMLOperation" : "UPDATE", "EffectiveStartDate" : "2023-06-01", "PrimaryFlag" : "Y", "EffectiveDate" : "2023-06-08" } ], "Changed Attributes" : [ { "PrimaryFlag" : { "old" : "N", "new" : "Y" } } ] }`},
	primarySwapSecond: seedEntry{hcmatom.WorkRelationshipFeed, "Gomez, Joe Work Relationship Updated", "Employee Work Relationship Updated",
		`{ "Context" : [ { "PeriodOfServiceId" : "300100575314628", "PersonName" : "Gomez, Joe", "PersonNumber" : "966169008890196", "WorkEmail" : "sendmail-test-discard@oracle.com", "PrimaryPhoneNumber" : "966 016 7283904", "PersonId" : "300100575314616", "PeriodType" : "E", "WorkerType" : "EMP", "DMLOperation" : "UPDATE", "EffectiveStartDate" : "2023-06-01", "PrimaryFlag" : "N", "EffectiveDate" : "2023-06-08" } ], "Changed Attributes" : [ { "PrimaryFlag" : { "old" : "Y", "new" : "N" } } ] }`},
	assignmentCreated: seedEntry{hcmatom.AssignmentFeed, "Collins, Bert's Assignment Created", "Person Assignment Created",
		`{ "Context" : [ { "AssignmentId" : "300100575317800", "PersonName" : "Collins, Bert", "PersonNumber" : "966169008890200", "WorkEmail" : "sendmail-test-discard@oracle.com", "PrimaryPhoneNumber" : "1 342 874-3921", "PersonId" : "300100575316056", "PeriodType" : "E", "WorkerType" : "EMP", "DMLOperation" : "INSERT", "EffectiveDate" : "2023-06-29" } ], "Changed Attributes" : [ { "PrimaryWorkTermsFlag" : "N" }, { "TimeNormalFinish" : "17:00" }, { "ActionCode" : "TEMP_ASG" }, { "AssignmentStatusType" : "ACTIVE" }, { "AssignmentType" : "E" }, { "Frequency" : "D" }, { "TimeNormalStart" : "08:00" }, { "BusinessUnitId" : "300100037658074" }, { "AssignmentName" : "E966169008890200" }, { "WorkAtHome" : "N" }, { "PrimaryAssignmentFlag" : "N" }, { "AssignmentId" : "300100575317800" }, { "NormalHours" : "8" }, { "EffectiveStartDate" : "2023-06-29" }, { "ManagerFlag" : "N" }, { "PersonTypeId" : "100010025072012" }, { "LegalEntityId" : "100000015338042" }, { "AssignmentNumber" : "E966169008890200-3" }, { "EffectiveEndDate" : "4712-12-31" }, { "PrimaryWorkRelationFlag" : "Y" } ], "FlexFields" : [ { "FlexFieldCode" : "PER_ASG_LEG_DDF", "ContextCode" : null, "Changed Attributes" : [ { "affordableHraOffered" : "N" }, { "affordableHraZipCode" : "Primary Residence" } ] } ] }`},
	promotion: seedEntry{hcmatom.AssignmentFeed, "King, Mary's Assignment Updated", "Person Assignment Updated",
		`{ "Context" : [ { "AssignmentId" : "300100591078074", "PersonName" : "King, Mary", "PersonNumber" : "966169008890236", "PrimaryPhoneNumber" : "", "PersonId" : "300100591078054", "PeriodType" : "E", "WorkerType" : "EMP", "DMLOperation" : "UPDATE", "EffectiveDate" : "2023-06-30" } ], "Changed Attributes" : [ { "ActionCode" : { "old" : "HIRE", "new" : "PROMOTION" } }, { "AssignmentName" : { "old" : "E966169008890236", "new" : "AUTO_GHR_JOB03" } }, { "OrganizationId" : { "old" : null, "new" : "300100037658514" } }, { "PositionId" : { "old" : null, "new" : "300100037658660" } }, { "LocationId" : { "old" : null, "new" : "300100037658196" } }, { "JobId" : { "old" : null, "new" : "300100037658485" } } ] }`},
	transfer: seedEntry{hcmatom.AssignmentFeed, "Goode, Rachel's Assignment Updated", "Person Assignment Updated",
		`{ "Context" : [ { "AssignmentId" : "300100591067591", "PersonName" : "Goode, Rachel", "PersonNumber" : "966169008890235", "PrimaryPhoneNumber" : "", "PersonId" : "300100591067571", "PeriodType" : "E", "WorkerType" : "EMP", "DMLOperation" : "UPDATE", "EffectiveDate" : "2023-06-30" } ], "Changed Attributes" : [ { "ActionCode" : { "old" : "HIRE", "new" : "TRANSFER" } }, { "BusinessUnitId" : { "old" : "300100037658147", "new" : "300100037658212" } }, { "AssignmentName" : { "old" : "E966169008890235", "new" : "AUTO_GHR_JOB07" } }, { "OrganizationId" : { "old" : null, "new" : "300100037658538" } }, { "PositionId" : { "old" : null, "new" : "300100037658684" } }, { "LocationId" : { "old" : null, "new" : "300100037658414" } }, { "JobId" : { "old" : null, "new" : "300100037658578" } } ] }`},
	cancel: seedEntry{hcmatom.CancelWorkRelationshipFeed, "Goode, Rachel's Work Relationship Cancelled", "Person Work Relationship Cancelled",
		`{ "Context" : [ { "PeriodOfServiceId" : "300100591067585", "PersonName" : "Goode, Rachel", "PersonNumber" : "966169008890235", "PrimaryPhoneNumber" : "", "PersonId" : "300100591067571", "PeriodType" : "E", "WorkerType" : "E", "DMLOperation" : "DELETE", "EffectiveStartDate" : "2023-06-30", "PrimaryFlag" : "Y", "EffectiveDate" : "2023-07-03" } ], "Changed Attributes" : [ { "PeriodOfServiceId" : "300100591067585" }, { "ActionOccurrenceId" : "300100591067584" } ] }`},
}
