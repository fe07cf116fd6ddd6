"""Diagnoses and symptoms by ICD-10-CM chapter, written by the MedAssist project.

Each line: ``term | plain words | aliases separated by ;`` (aliases share the plain words).
Plain words aim at a 6th-grade reader and say what the condition is, not how to treat it.
"""

CHAPTERS = {
    "I": ("A00-B99", "Certain infectious and parasitic diseases", """
sepsis | a serious reaction of the body to an infection | septicemia
influenza | the flu | flu
COVID-19 | an illness caused by the coronavirus | covid; coronavirus disease
herpes zoster | shingles, a painful rash caused by the chickenpox virus | shingles
herpes simplex | a virus that causes cold sores or blisters | HSV
varicella | chickenpox | chickenpox
HIV infection | an infection with the virus that weakens the immune system | HIV disease
hepatitis B | a virus infection of the liver (type B) |
hepatitis C | a virus infection of the liver (type C) |
hepatitis A | a virus infection of the liver (type A) |
tuberculosis | TB, a germ that mostly infects the lungs | TB infection
latent tuberculosis | TB germs in the body that are not making you sick now | latent TB
Clostridioides difficile infection | a gut infection that causes bad diarrhea | C. diff infection; C. difficile; C diff
gastroenteritis | a stomach bug with vomiting or diarrhea | stomach flu
viral infection | an infection caused by a virus | viral illness; virus
bacterial infection | an infection caused by bacteria (germs) |
fungal infection | an infection caused by a fungus (yeast or mold) |
candidiasis | a yeast infection | thrush; yeast infection
tinea pedis | athlete's foot, a fungus on the feet | athlete's foot
tinea corporis | ringworm, a fungus rash on the skin | ringworm
onychomycosis | a fungus infection of the nails | nail fungus
Lyme disease | an infection spread by tick bites |
mononucleosis | mono, a virus that makes you very tired | mono; infectious mononucleosis
strep throat | a throat infection caused by strep germs | streptococcal pharyngitis
scabies | tiny mites that burrow in the skin and cause itching |
MRSA infection | an infection with a germ that many antibiotics do not kill | MRSA
osteomyelitis | an infection in a bone |
bacteremia | germs in the blood |
syphilis | a sexually spread infection |
chlamydia | a sexually spread infection |
gonorrhea | a sexually spread infection |
warts | small skin growths caused by a virus | verruca
molluscum contagiosum | small bumps on the skin caused by a virus |
pinworms | tiny worms in the bowel that cause itching | enterobiasis
"""),
    "II": ("C00-D49", "Neoplasms", """
cancer | a disease where cells grow out of control | malignancy; malignant neoplasm
neoplasm | a growth or tumor (it may or may not be cancer) | tumor; tumour
benign tumor | a growth that is not cancer | benign neoplasm
metastasis | cancer that has spread to another part of the body | metastatic disease; metastases
breast cancer | cancer in the breast | breast carcinoma; carcinoma of the breast
lung cancer | cancer in the lung | lung carcinoma; non-small cell lung cancer; small cell lung cancer
prostate cancer | cancer of the prostate gland | prostate carcinoma; adenocarcinoma of the prostate
colon cancer | cancer of the large bowel | colorectal cancer; colon carcinoma
pancreatic cancer | cancer of the pancreas |
skin cancer | cancer of the skin |
melanoma | a serious kind of skin cancer |
basal cell carcinoma | a common, slow-growing skin cancer | BCC
squamous cell carcinoma | a kind of cancer that starts in flat surface cells | SCC
lymphoma | cancer of the lymph glands |
leukemia | cancer of the blood cells | leukaemia
multiple myeloma | cancer of plasma cells in the bone marrow | myeloma
thyroid nodule | a lump in the thyroid gland |
thyroid cancer | cancer of the thyroid gland |
bladder cancer | cancer of the bladder |
kidney cancer | cancer of the kidney | renal cell carcinoma
ovarian cancer | cancer of the ovary |
uterine fibroids | growths in the womb that are not cancer | fibroids; leiomyoma
lipoma | a soft lump of fat under the skin that is not cancer |
colon polyp | a small growth inside the large bowel | colonic polyp; polyps
carcinoma | a kind of cancer |
adenocarcinoma | a kind of cancer that starts in gland cells |
sarcoma | a cancer of bone or soft tissue |
glioblastoma | a fast-growing brain cancer |
brain tumor | a growth in the brain |
cervical cancer | cancer of the cervix (the opening of the womb) |
endometrial cancer | cancer of the lining of the womb |
esophageal cancer | cancer of the food pipe |
stomach cancer | cancer of the stomach | gastric cancer
liver cancer | cancer of the liver | hepatocellular carcinoma; HCC
hemangioma | a growth made of blood vessels that is not cancer |
pituitary adenoma | a growth on the pituitary gland (under the brain) that is not cancer | pituitary tumor
adenoma | a growth of gland cells that is not cancer |
"""),
    "III": ("D50-D89", "Diseases of the blood and immune system", """
anemia | not enough red blood cells | anaemia
iron deficiency anemia | low red blood cells from too little iron | iron deficiency
vitamin B12 deficiency anemia | low red blood cells from too little vitamin B12 | pernicious anemia
sickle cell disease | an inherited disease that makes red blood cells stiff and curved | sickle cell anemia
thrombocytopenia | a low number of platelets (cells that help blood clot) | low platelets
leukopenia | a low number of white blood cells | low white count
neutropenia | a low number of the white cells that fight germs |
coagulopathy | a problem with blood clotting |
hemophilia | an inherited bleeding disorder |
von Willebrand disease | an inherited bleeding disorder |
thrombophilia | a condition that makes blood clot too easily | hypercoagulable state
polycythemia | too many red blood cells |
sarcoidosis | a disease where small lumps of inflamed cells form in the body |
immunodeficiency | a weak immune system |
IgA deficiency | the body makes too little of one kind of antibody (IgA) that helps fight germs | selective IgA deficiency
splenomegaly | an enlarged spleen |
lymphadenopathy | swollen lymph glands | swollen lymph nodes
"""),
    "IV": ("E00-E89", "Endocrine, nutritional and metabolic diseases", """
diabetes mellitus | diabetes, high blood sugar | diabetes; DM
type 2 diabetes | type 2 diabetes, high blood sugar because the body does not use insulin well | type 2 diabetes mellitus; T2DM; type II diabetes; diabetes mellitus type 2
type 1 diabetes | type 1 diabetes, high blood sugar because the body makes no insulin | type 1 diabetes mellitus; T1DM; type I diabetes
prediabetes | blood sugar that is higher than normal but not yet diabetes | pre-diabetes
hyperglycemia | high blood sugar |
hypoglycemia | low blood sugar |
diabetic ketoacidosis | a dangerous problem of diabetes with very high blood sugar and acid in the blood | DKA
diabetic neuropathy | nerve damage from diabetes |
diabetic retinopathy | eye damage from diabetes |
diabetic nephropathy | kidney damage from diabetes |
diabetic foot ulcer | an open sore on the foot, caused by diabetes | diabetic ulcer; foot ulcer; neuropathic ulcer
diabetic polyneuropathy | nerve damage from diabetes, often in the feet | diabetic peripheral neuropathy
hypothyroidism | an underactive thyroid gland |
hyperthyroidism | an overactive thyroid gland |
Hashimoto's thyroiditis | a condition where the body attacks the thyroid gland | Hashimoto thyroiditis
Graves' disease | a condition that makes the thyroid gland overactive | Graves disease
goiter | an enlarged thyroid gland |
hyperlipidemia | high fat levels in the blood, like cholesterol | dyslipidemia; high cholesterol
hypercholesterolemia | high cholesterol in the blood |
hypertriglyceridemia | high triglycerides (a kind of fat) in the blood |
obesity | a body weight that is too high for your health | morbid obesity
overweight | a weight higher than healthy |
malnutrition | not getting enough of the right food |
vitamin D deficiency | too little vitamin D | low vitamin D
hypokalemia | low potassium in the blood |
hyperkalemia | high potassium in the blood |
hyperphosphatemia | high phosphorus in the blood | high phosphorus
fluid overload | too much fluid in the body | volume overload; hypervolemia
hyponatremia | low sodium (salt) in the blood |
hypernatremia | high sodium (salt) in the blood |
hypocalcemia | low calcium in the blood |
hypercalcemia | high calcium in the blood |
hypomagnesemia | low magnesium in the blood |
dehydration | not enough water in the body | volume depletion
gout | a kind of arthritis where crystals form in a joint and cause pain |
hyperuricemia | high uric acid in the blood |
metabolic syndrome | a group of problems (belly fat, high blood pressure, high sugar) that raise heart risk |
adrenal insufficiency | the adrenal glands do not make enough hormones | Addison's disease
Cushing's syndrome | too much of the stress hormone cortisol | Cushing syndrome
polycystic ovary syndrome | a hormone problem that affects periods and the ovaries | PCOS
hyperparathyroidism | overactive glands in the neck that raise calcium |
cystic fibrosis | an inherited disease that makes thick mucus in the lungs and gut |
hemochromatosis | too much iron in the body |
acidosis | too much acid in the blood |
"""),
    "V": ("F01-F99", "Mental, behavioral and neurodevelopmental disorders", """
depression | a mood illness with sadness or loss of interest that lasts | major depressive disorder; MDD; depressive disorder
anxiety | strong worry or fear that is hard to control | anxiety disorder; generalized anxiety disorder; GAD
panic disorder | sudden attacks of strong fear | panic attacks
bipolar disorder | a mood illness with highs and lows | bipolar affective disorder
schizophrenia | a mental illness that changes how a person thinks and sees things |
post-traumatic stress disorder | stress and fear that last after a scary event | PTSD
obsessive-compulsive disorder | unwanted thoughts and urges to repeat actions | OCD
attention deficit hyperactivity disorder | trouble paying attention and sitting still | ADHD; ADD
autism spectrum disorder | a difference in how the brain develops that affects social skills and behavior | autism
dementia | memory loss and trouble thinking that get worse over time | major neurocognitive disorder
insomnia | trouble falling or staying asleep |
alcohol use disorder | a problem with drinking too much alcohol | alcohol dependence; alcohol abuse; alcoholism
opioid use disorder | a problem with using opioid drugs | opioid dependence
substance use disorder | a problem with using drugs or alcohol | substance abuse
tobacco use disorder | being hooked on tobacco | nicotine dependence; tobacco dependence
eating disorder | a problem with eating habits and body image |
anorexia nervosa | an eating disorder where a person eats too little |
bulimia nervosa | an eating disorder with binge eating and vomiting |
delirium | sudden confusion |
adjustment disorder | stress that is hard to cope with after a life change |
seasonal affective disorder | low mood in the darker months |
suicidal ideation | thoughts of ending your life | suicidal thoughts
psychosis | losing touch with what is real |
personality disorder | long-term patterns of thinking and acting that cause problems |
intellectual disability | slower learning and thinking skills from early in life |
tic disorder | sudden, repeated movements or sounds that are hard to control | tics; transient tics; Tourette syndrome
"""),
    "VI": ("G00-G99", "Diseases of the nervous system", """
migraine | bad headaches, often with feeling sick or light hurting the eyes | migraine headache; migraines
tension headache | a headache that feels like a tight band around the head | tension-type headache
cluster headache | very painful headaches on one side of the head |
epilepsy | a condition that causes seizures | seizure disorder
seizure | a sudden burst of electrical activity in the brain | seizures; convulsion
Parkinson's disease | a brain disease that causes shaking, stiffness and slow movement | Parkinson disease; parkinsonism
Alzheimer's disease | a brain disease that causes memory loss | Alzheimer disease
multiple sclerosis | a disease where the body attacks the covering of the nerves |
peripheral neuropathy | nerve damage, often in the feet or hands | neuropathy; polyneuropathy
carpal tunnel syndrome | a pinched nerve in the wrist that causes numbness in the hand |
sciatica | pain that runs down the leg from a pinched nerve in the back |
radiculopathy | a pinched nerve root in the spine |
Bell's palsy | sudden weakness of one side of the face | Bell palsy
restless legs syndrome | an urge to move the legs, mostly at night | RLS
obstructive sleep apnea | breathing stops and starts during sleep | sleep apnea; OSA
narcolepsy | sudden attacks of sleep in the daytime |
meningitis | an infection of the lining around the brain and spinal cord |
encephalopathy | a problem with how the brain works |
essential tremor | shaking of the hands or head that is not from another disease | tremor
trigeminal neuralgia | sudden, sharp face pain from a nerve |
transient ischemic attack | a mini-stroke that goes away on its own | TIA; mini-stroke
myasthenia gravis | a disease that makes muscles weak and tired |
amyotrophic lateral sclerosis | a disease that slowly kills the nerves that move muscles | ALS; Lou Gehrig's disease
cerebral palsy | a problem with movement from brain injury early in life |
hydrocephalus | too much fluid in the brain |
Guillain-Barre syndrome | a condition where the body attacks the nerves and causes weakness |
post-concussion syndrome | headaches and other problems that last after a head injury |
chronic pain syndrome | pain that lasts for a long time |
ulnar neuropathy | a pinched nerve at the elbow that causes numbness in the fingers | cubital tunnel syndrome
"""),
    "VII": ("H00-H59", "Diseases of the eye and adnexa", """
cataract | clouding of the lens of the eye | cataracts
glaucoma | high pressure in the eye that can damage sight |
macular degeneration | damage to the center of the back of the eye that blurs sight | age-related macular degeneration; AMD
conjunctivitis | pink eye, a red, irritated eye | pink eye
dry eye syndrome | eyes that do not make enough tears | dry eyes; dry eye
retinal detachment | the back layer of the eye pulls away, an emergency |
myopia | nearsightedness, trouble seeing far away | nearsightedness
hyperopia | farsightedness, trouble seeing up close | farsightedness
presbyopia | trouble seeing up close that comes with age |
astigmatism | blurry sight from the shape of the eye |
blepharitis | swollen, irritated eyelids |
stye | a painful lump on the eyelid | hordeolum
chalazion | a lump in the eyelid from a blocked gland |
uveitis | swelling inside the eye |
strabismus | eyes that do not line up | crossed eyes
amblyopia | lazy eye | lazy eye
diplopia | double vision | double vision
hemianopia | loss of sight in half of what each eye sees | bitemporal hemianopia; hemianopsia
visual field defect | a blind spot or loss in part of what you see |
"""),
    "VIII": ("H60-H95", "Diseases of the ear and mastoid process", """
otitis media | a middle ear infection | ear infection
otitis externa | an outer ear infection | swimmer's ear
hearing loss | trouble hearing | hearing impairment; deafness
tinnitus | ringing in the ears |
vertigo | a feeling that you or the room is spinning |
benign paroxysmal positional vertigo | short spells of spinning when you move your head | BPPV
Meniere's disease | an inner ear problem with spinning, ringing and hearing loss | Meniere disease
cerumen impaction | earwax blocking the ear | impacted cerumen; earwax buildup
labyrinthitis | inner ear swelling that causes spinning and hearing loss |
eustachian tube dysfunction | the tube from the ear to the throat does not open well |
"""),
    "IX": ("I00-I99", "Diseases of the circulatory system", """
hypertension | high blood pressure | high blood pressure; essential hypertension; HTN
hypotension | low blood pressure | low blood pressure
orthostatic hypotension | blood pressure that drops when you stand up |
coronary artery disease | narrowed blood vessels of the heart | CAD; ischemic heart disease; coronary heart disease
myocardial infarction | a heart attack | heart attack; MI; STEMI; NSTEMI
angina | chest pain when the heart does not get enough blood | angina pectoris
heart failure | the heart does not pump as well as it should | congestive heart failure; CHF; HFrEF; HFpEF; cardiac failure
cardiomyopathy | a disease of the heart muscle |
atrial fibrillation | an irregular, often fast heartbeat | a fib; afib; AF
atrial flutter | a fast heartbeat from the upper heart chambers |
arrhythmia | an irregular heartbeat | dysrhythmia
tachycardia | a fast heartbeat |
bradycardia | a slow heartbeat |
supraventricular tachycardia | spells of a very fast heartbeat | SVT
ventricular tachycardia | a dangerous fast heartbeat from the lower heart chambers | VT
heart block | a problem with the heart's electrical signal |
mitral regurgitation | a leaky heart valve (the mitral valve) | mitral valve regurgitation; mitral insufficiency
mitral valve prolapse | a heart valve that bulges back a little when the heart beats |
aortic stenosis | a narrowed heart valve (the aortic valve) |
aortic regurgitation | a leaky heart valve (the aortic valve) | aortic insufficiency
tricuspid regurgitation | a leaky heart valve (the tricuspid valve) |
heart murmur | an extra sound the heart makes as blood flows | murmur; systolic murmur; systolic ejection murmur
pericarditis | swelling of the sac around the heart |
endocarditis | an infection of the heart lining or valves |
myocarditis | swelling of the heart muscle |
stroke | a blood clot or bleed that damages part of the brain | cerebrovascular accident; CVA; cerebral infarction
hemiparesis | weakness on one side of the body | hemiplegia; left hemiparesis; right hemiparesis
dysarthria | slurred or unclear speech from weak speech muscles | slurred speech
hemorrhagic stroke | a stroke caused by bleeding in the brain | intracerebral hemorrhage
deep vein thrombosis | a blood clot in a deep vein, often in the leg | DVT
pulmonary embolism | a blood clot in the lungs |
peripheral artery disease | narrowed blood vessels in the legs | peripheral arterial disease; PAD; peripheral vascular disease; PVD
atherosclerosis of the legs | hardened, narrowed arteries in the legs | atherosclerosis of native arteries of the legs; atherosclerosis of native arteries of right leg; atherosclerosis of native arteries of left leg; atherosclerosis of native arteries of both legs; atherosclerosis of native arteries of bilateral legs; atherosclerosis of the lower extremities; atherosclerosis of bilateral lower extremities
atherosclerosis | hardened, narrowed arteries |
aortic aneurysm | a bulge in the body's main blood vessel | abdominal aortic aneurysm; AAA
varicose veins | swollen, twisted veins, often in the legs | varicosities
venous insufficiency | leg veins that do not move blood back to the heart well | chronic venous insufficiency
hemorrhoids | swollen veins around the bottom | piles
pulmonary hypertension | high blood pressure in the lungs |
carotid artery stenosis | a narrowed blood vessel in the neck | carotid stenosis
Raynaud's phenomenon | fingers or toes that turn white or blue in the cold | Raynaud phenomenon
vasculitis | swelling of the blood vessels |
thrombophlebitis | a swollen vein with a blood clot near the skin | superficial thrombophlebitis
premature ventricular contractions | extra heartbeats | PVCs
hypertensive heart disease | heart disease caused by high blood pressure |
left ventricular hypertrophy | a thick heart muscle wall | LVH
left ventricular dysfunction | the heart's main pumping chamber is weaker than normal | LV dysfunction; reduced ejection fraction
"""),
    "X": ("J00-J99", "Diseases of the respiratory system", """
upper respiratory infection | a cold | URI; common cold; upper respiratory tract infection
pneumonia | a lung infection | community-acquired pneumonia; CAP
bronchitis | swelling of the airways in the lungs, with cough | acute bronchitis
bronchiolitis | an infection of the small airways, mostly in babies |
asthma | a lung disease that makes the airways narrow and causes wheezing |
chronic obstructive pulmonary disease | a long-term lung disease that makes it hard to breathe | COPD; emphysema; chronic bronchitis
sinusitis | a sinus infection | sinus infection; rhinosinusitis
pharyngitis | a sore throat | sore throat
tonsillitis | swollen, infected tonsils |
laryngitis | swelling of the voice box, with a hoarse voice |
allergic rhinitis | hay fever, a runny or stuffy nose from allergies | hay fever; seasonal allergies; rhinitis
nasal polyps | soft growths inside the nose |
deviated septum | the wall inside the nose is off to one side | deviated nasal septum
pleural effusion | fluid around the lungs |
pneumothorax | a collapsed lung |
pulmonary fibrosis | scarring of the lungs | interstitial lung disease
respiratory failure | the lungs cannot get enough oxygen into the blood |
atelectasis | part of the lung is collapsed or not fully open |
croup | a throat and airway infection in children that causes a barking cough |
bronchiectasis | damaged, widened airways that fill with mucus |
pulmonary nodule | a small spot on the lung | lung nodule
acute respiratory distress syndrome | severe lung injury that makes breathing very hard | ARDS
"""),
    "XI": ("K00-K95", "Diseases of the digestive system", """
gastroesophageal reflux disease | acid from the stomach coming up into the food pipe | GERD; acid reflux; reflux
heartburn | a burning feeling in the chest from stomach acid | pyrosis
gastritis | swelling of the stomach lining |
peptic ulcer disease | sores in the stomach or gut lining | peptic ulcer; stomach ulcer; gastric ulcer; duodenal ulcer; PUD
irritable bowel syndrome | a gut problem with belly pain and changes in bowel movements | IBS
inflammatory bowel disease | long-term swelling in the gut | IBD
Crohn's disease | a long-term swelling of the gut | Crohn disease
ulcerative colitis | long-term swelling and sores in the large bowel | UC
colitis | swelling of the large bowel |
diverticulosis | small pouches in the wall of the large bowel |
diverticulitis | infected or swollen pouches in the large bowel |
appendicitis | a swollen, infected appendix |
cholelithiasis | gallstones | gallstones; gallstone
cholecystitis | a swollen, infected gallbladder |
biliary colic | pain from gallstones blocking the bile tube |
pancreatitis | swelling of the pancreas |
cirrhosis | scarring of the liver | liver cirrhosis
fatty liver disease | fat buildup in the liver | fatty liver; hepatic steatosis; NAFLD; nonalcoholic fatty liver disease
hepatitis | swelling of the liver |
constipation | hard or few bowel movements |
diarrhea | loose, watery bowel movements | diarrhoea
hernia | a bulge where tissue pushes through a weak spot in muscle |
inguinal hernia | a bulge in the groin |
umbilical hernia | a bulge at the belly button |
hiatal hernia | part of the stomach pushes up into the chest | hiatus hernia
gastrointestinal bleeding | bleeding in the gut | GI bleed; GI bleeding
bowel obstruction | a blocked bowel | small bowel obstruction; SBO
celiac disease | a gut disease where gluten (in wheat) harms the bowel | coeliac disease
anal fissure | a small tear in the skin of the bottom |
dysphagia | trouble swallowing | trouble swallowing
esophagitis | swelling of the food pipe |
Barrett's esophagus | changes in the lining of the food pipe from acid | Barrett esophagus
gastroparesis | the stomach empties too slowly |
dental caries | tooth decay | cavities; tooth decay
gingivitis | swollen, bleeding gums |
periodontitis | gum disease |
lactose intolerance | trouble digesting milk sugar |
"""),
    "XII": ("L00-L99", "Diseases of the skin and subcutaneous tissue", """
cellulitis | a skin infection |
surgical site infection | an infection where the operation was done | wound infection; incision infection; incisional infection; superficial incisional surgical site infection; port site infection
abscess | a pocket of pus | skin abscess
eczema | dry, itchy, red skin | atopic dermatitis
contact dermatitis | a skin rash from touching something |
dermatitis | red, itchy, swollen skin |
psoriasis | a skin disease with red, scaly patches |
acne | pimples | acne vulgaris
rosacea | redness and bumps on the face |
urticaria | hives, itchy raised welts on the skin | hives
seborrheic dermatitis | flaky, red skin on the scalp or face | dandruff
pressure ulcer | a sore from staying in one position too long | bed sore; pressure injury; decubitus ulcer
skin ulcer | an open sore on the skin |
actinic keratosis | a rough, scaly spot from sun damage | actinic keratoses
seborrheic keratosis | a harmless, warty skin growth | seborrheic keratoses
alopecia | hair loss |
hidradenitis suppurativa | painful lumps under the skin in the armpits or groin |
vitiligo | loss of skin color in patches |
pruritus | itching | itching; itchiness
rash | a change in the skin's color or feel |
ingrown toenail | a toenail that grows into the skin |
impetigo | a skin infection with crusty sores |
folliculitis | infected or swollen hair roots |
callus | thick, hard skin |
cyst | a closed pocket of fluid or other material | epidermoid cyst; sebaceous cyst
"""),
    "XIII": ("M00-M99", "Diseases of the musculoskeletal system and connective tissue", """
osteoarthritis | wear and tear of the joints | degenerative joint disease; DJD; arthritis
rheumatoid arthritis | a disease where the body attacks the joints | RA
arthritis | swelling and pain in a joint |
osteoporosis | thin, weak bones |
osteopenia | bones that are thinner than normal |
low back pain | pain in the lower back | lumbago; lumbar pain; back pain
neck pain | pain in the neck | cervicalgia
herniated disc | a disc in the spine that bulges and presses on a nerve | disc herniation; herniated disk; bulging disc
spinal stenosis | narrowing of the spine that presses on nerves | lumbar stenosis
degenerative disc disease | wear and tear of the discs in the spine |
scoliosis | a sideways curve of the spine |
fibromyalgia | long-term pain all over the body with tiredness |
bursitis | swelling of a small fluid sac near a joint |
tendinitis | a swollen tendon (the cord that joins muscle to bone) | tendonitis; tendinopathy
rotator cuff tear | a tear in the shoulder muscles and tendons | rotator cuff injury
rotator cuff tendinitis | a swollen shoulder tendon |
plantar fasciitis | heel pain from a swollen band under the foot |
lateral epicondylitis | tennis elbow, pain on the outside of the elbow | tennis elbow
medial epicondylitis | golfer's elbow, pain on the inside of the elbow | golfer's elbow
lupus | a disease where the body attacks its own tissues | systemic lupus erythematosus; SLE
ankylosing spondylitis | arthritis of the spine that makes it stiff |
psoriatic arthritis | joint swelling that goes with the skin disease psoriasis |
polymyalgia rheumatica | muscle pain and stiffness in the shoulders and hips |
joint effusion | fluid in a joint | effusion
meniscus tear | a tear in the cushion of the knee | meniscal tear; torn meniscus
trigger finger | a finger that catches or locks when you bend it |
de Quervain's tenosynovitis | pain at the thumb side of the wrist |
frozen shoulder | a stiff, painful shoulder | adhesive capsulitis
muscle spasm | a sudden tightening of a muscle | spasm; muscle cramp
myalgia | muscle pain | muscle aches
arthralgia | joint pain | joint pain
costochondritis | swelling where the ribs join the breastbone |
Baker's cyst | a fluid-filled lump behind the knee | popliteal cyst
patellofemoral pain syndrome | pain around the kneecap |
knee pain | pain in the knee |
shoulder pain | pain in the shoulder |
hip pain | pain in the hip |
elbow pain | pain in the elbow |
wrist pain | pain in the wrist |
hand pain | pain in the hand |
ankle pain | pain in the ankle |
foot pain | pain in the foot |
gouty arthritis | a painful joint from gout |
"""),
    "XIV": ("N00-N99", "Diseases of the genitourinary system", """
chronic kidney disease | kidneys that have slowly lost some of their function | CKD; chronic renal insufficiency
acute kidney injury | kidneys that suddenly stop working well | AKI; acute renal failure
kidney stones | hard stones that form in the kidney | nephrolithiasis; kidney stone; renal calculi; urolithiasis
urinary tract infection | an infection of the bladder or urine tubes | UTI; bladder infection; cystitis
pyelonephritis | a kidney infection | kidney infection
benign prostatic hyperplasia | an enlarged prostate gland that is not cancer | BPH; enlarged prostate; benign prostatic hypertrophy; prostatic hypertrophy
urinary incontinence | leaking urine | incontinence
overactive bladder | a sudden, strong need to urinate often | OAB
urinary retention | not being able to empty the bladder |
hematuria | blood in the urine | blood in urine
proteinuria | protein in the urine |
erectile dysfunction | trouble getting or keeping an erection |
prostatitis | a swollen or infected prostate gland |
endometriosis | tissue like the lining of the womb grows outside the womb |
menorrhagia | heavy periods | heavy menstrual bleeding
dysmenorrhea | painful periods | painful periods
amenorrhea | no periods |
menopause | the time when periods stop for good |
ovarian cyst | a fluid-filled sac on the ovary |
vaginitis | swelling or infection of the vagina | bacterial vaginosis
infertility | trouble getting pregnant |
hydronephrosis | a swollen kidney from urine that cannot drain |
nephrotic syndrome | a kidney problem that lets a lot of protein into the urine |
end-stage renal disease | kidneys that have almost stopped working | ESRD; kidney failure
epididymitis | a swollen tube at the back of the testicle |
"""),
    "XV": ("O00-O9A", "Pregnancy, childbirth and the puerperium", """
preeclampsia | high blood pressure in pregnancy that can harm mother and baby | pre-eclampsia
gestational diabetes | diabetes that starts during pregnancy |
gestational hypertension | high blood pressure that starts in pregnancy |
ectopic pregnancy | a pregnancy growing outside the womb |
miscarriage | loss of a pregnancy before 20 weeks | spontaneous abortion
hyperemesis gravidarum | very bad nausea and vomiting in pregnancy |
placenta previa | the afterbirth covers the opening of the womb |
preterm labor | labor that starts too early | premature labor
postpartum depression | depression after having a baby |
postpartum hemorrhage | heavy bleeding after birth |
"""),
    "XVI": ("P00-P96", "Certain conditions originating in the perinatal period", """
neonatal jaundice | yellow skin in a newborn baby | newborn jaundice
prematurity | a baby born too early | preterm infant; premature birth
respiratory distress of newborn | breathing trouble in a newborn baby |
"""),
    "XVII": ("Q00-Q99", "Congenital malformations and chromosomal abnormalities", """
congenital heart defect | a heart problem present from birth | congenital heart disease
Down syndrome | a condition from an extra copy of chromosome 21 | trisomy 21
cleft lip | a split in the upper lip present from birth |
spina bifida | a problem with how the spine formed before birth |
patent foramen ovale | a small hole between the upper heart chambers | PFO
atrial septal defect | a hole between the upper heart chambers | ASD
ventricular septal defect | a hole between the lower heart chambers | VSD
bicuspid aortic valve | a heart valve with two flaps instead of three |
hip dysplasia | a hip joint that did not form right |
polycystic kidney disease | an inherited disease with many cysts in the kidneys |
"""),
    "XVIII": ("R00-R99", "Symptoms, signs and abnormal findings", """
dyspnea | shortness of breath | shortness of breath; SOB; dyspnea on exertion; DOE; breathlessness
chest pain | pain in the chest |
abdominal pain | belly pain | stomach pain; belly pain
nausea | feeling sick to your stomach | nausea and vomiting
vomiting | throwing up | emesis
fever | a high body temperature | febrile; pyrexia
fatigue | feeling very tired | tiredness; malaise
headache | pain in the head | cephalgia
dizziness | feeling lightheaded or unsteady | lightheadedness; presyncope
syncope | fainting | fainting; passing out
cough | coughing |
wheezing | a whistling sound when you breathe | wheeze
palpitations | feeling your heart pound or race |
edema | swelling from extra fluid | swelling; peripheral edema; pedal edema; pitting edema
weight loss | losing weight |
weight gain | gaining weight |
anorexia | loss of appetite | poor appetite; decreased appetite; reduced appetite; loss of appetite
hematochezia | bright red blood in the stool | blood in stool; rectal bleeding
melena | black, tarry stool from bleeding in the gut |
hemoptysis | coughing up blood |
hematemesis | vomiting blood |
dysuria | pain or burning when you pass urine | painful urination
urinary frequency | needing to pass urine often |
nocturia | waking at night to pass urine |
polyuria | passing a lot of urine |
polydipsia | being very thirsty |
jaundice | yellow skin or eyes | icterus
numbness | loss of feeling | paresthesia; tingling; paresthesias
weakness | loss of strength |
confusion | trouble thinking clearly | altered mental status; AMS
bloating | a full, swollen feeling in the belly | abdominal distension
elevated blood pressure | blood pressure that is higher than it should be | elevated blood pressure reading
abnormal gait | trouble walking | gait abnormality
falls | falling down | fall; frequent falls
epistaxis | a nosebleed | nosebleed
hoarseness | a rough or weak voice |
night sweats | sweating a lot at night |
chills | feeling cold and shaking |
tachypnea | fast breathing |
hypoxia | low oxygen in the blood | hypoxemia
memory loss | trouble remembering |
lymph node swelling | swollen glands |
urinary urgency | a sudden, strong need to pass urine |
incidental finding | something found by chance on a test |
elevated liver enzymes | liver blood tests that are higher than normal | transaminitis
hepatomegaly | an enlarged liver | enlarged liver
cardiomegaly | an enlarged heart | enlarged heart
"""),
    "XIX": ("S00-T88", "Injury, poisoning and certain other consequences of external causes", """
fracture | a broken bone | broken bone; fx
sprain | a stretched or torn ligament (the band that holds a joint) |
ankle sprain | a stretched or torn ligament in the ankle | sprained ankle
strain | a stretched or torn muscle | muscle strain
concussion | a brain injury from a blow to the head |
laceration | a cut in the skin | cut
contusion | a bruise | bruise
abrasion | a scrape |
burn | damage to the skin from heat or chemicals |
dislocation | a bone pushed out of its joint |
whiplash | a neck injury from the head moving back and forth fast |
ACL tear | a tear of a main ligament inside the knee | anterior cruciate ligament tear; torn ACL
MCL strain | a stretched or torn ligament on the inner side of the knee | MCL sprain; MCL tear; medial collateral ligament strain; medial collateral ligament sprain; medial collateral ligament tear
LCL strain | a stretched or torn ligament on the outer side of the knee | LCL sprain; LCL tear; lateral collateral ligament sprain
hip fracture | a broken hip |
wrist fracture | a broken wrist | distal radius fracture
compression fracture | a collapsed bone in the spine |
overdose | taking too much of a drug |
poisoning | harm from something toxic |
allergic reaction | the body's reaction to something it is allergic to |
anaphylaxis | a severe, life-threatening allergic reaction | anaphylactic reaction
drug reaction | a bad reaction to a medicine | adverse drug reaction
frostbite | skin and tissue damage from cold |
heat exhaustion | sickness from getting too hot |
dog bite | a bite from a dog |
foreign body | something stuck in the body that does not belong |
traumatic brain injury | brain damage from a hit to the head | TBI
"""),
    "XX": ("V00-Y99", "External causes of morbidity", """
motor vehicle accident | a car crash | MVA; motor vehicle collision; MVC
fall from standing | a fall from standing height | ground-level fall
sports injury | an injury from sports |
"""),
    "XXI": ("Z00-Z99", "Factors influencing health status and contact with health services", """
annual physical exam | a yearly checkup | annual exam; annual physical; wellness visit; routine exam
health maintenance | care to keep you healthy, like screening tests and shots | healthcare maintenance
immunization | a vaccine shot | vaccination; vaccine
family history of heart disease | heart disease in your family |
personal history of cancer | you had cancer in the past |
long-term use of anticoagulants | taking a blood thinner for a long time |
status post | after (a surgery or event) | s/p
smoker | a person who smokes | current smoker; tobacco use
former smoker | a person who used to smoke | ex-smoker
BMI over 30 | a body mass index over 30 |
screening | a test to check for a disease before you have signs |
medication noncompliance | not taking medicines as prescribed | noncompliance; nonadherence
history of falls | you have fallen before |
postoperative state | the time after surgery | postoperative
pregnancy | being pregnant | pregnant
preoperative examination | a check-up before surgery | preop examination; pre-op exam; preoperative evaluation; preop exam
"""),
}
